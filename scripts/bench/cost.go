package main

import (
	"fmt"
	"sort"

	"github.com/tandemhq/tandem/shared/store"
)

// unitCost is what one measured operation consumed: read units (DynamoDB
// Local's figure, which follows AWS's rules for reads), AWS-equivalent
// write units (store.Meter.AWS) and the mails it caused.
type unitCost struct {
	ReadUnits, WriteUnits float64
	Mails                 int
}

// awsUnits is what AWS would bill for the calls m metered: reads at
// DynamoDB Local's figure but at least half a unit a request (AWS's floor
// for an eventually consistent read of nothing; Local reports 0), writes
// at the AWS estimate of the transactions, or Local's figure for plain
// writes (outbox claims and marks).
func awsUnits(m *store.Meter, mails int) unitCost {
	rd, wr, _, _ := m.Snapshot()
	u := unitCost{ReadUnits: max(rd, 0.5*float64(m.Reads())), WriteUnits: m.AWS(), Mails: mails}
	if m.Count() == 0 {
		u.WriteUnits = wr
	}
	return u
}

// List prices used (us-east-1, on-demand, checked 2026-12).
const (
	priceWriteMillion   = 0.625        // DynamoDB on-demand, per million write request units
	priceReadMillion    = 0.125        // DynamoDB on-demand, per million read request units
	priceStorageGBMonth = 0.25         // DynamoDB standard table storage
	pricePITRGBMonth    = 0.20         // continuous backups
	priceLambdaMillion  = 0.20         // Lambda requests
	priceLambdaGBSecond = 0.0000133334 // Lambda arm64 duration
	priceAPIMillion     = 1.00         // API Gateway HTTP API requests
	priceSESThousand    = 0.10         // SES outbound mail
	priceAlarmMetric    = 0.10         // CloudWatch, per metric an alarm reads, per month
	priceLogsGB         = 0.50         // CloudWatch Logs ingestion
	priceSecretMonth    = 0.40         // Secrets Manager, per secret
	priceXRayMillion    = 5.00         // X-Ray traces recorded beyond the free 100,000 a month
)

// The installation's fixed parts (infra tests hold them to these).
const (
	alarmMetrics = 5 // Lambda errors + throttles, SES bounce + complaint rates, the failure queue
	secrets      = 1 // the link-signing key
)

// costPerPartnerYear prints the yearly cost of an installation with 1,000
// partners and 10,000 cases from the measured units and the list prices.
func costPerPartnerYear(u map[string]unitCost) {
	const partners, cases = 1000.0, 10000.0
	type line struct {
		what string
		n    float64
		op   string
	}
	// A year's business, each line an operation measured above.
	year := []line{
		{"sign-ups", partners, "sign-up"},
		{"approvals", partners, "approve"},
		{"renewal invoices (as an approval's writes)", partners, "approve"},
		{"host invoices (10 host-paid programs)", 10, "one host invoice (30 partners counted)"},
		{"case intakes", cases, "case intake (with Idempotency-Key)"},
		{"accepts", cases, "accept"},
		{"notes (3 a case)", 3 * cases, "note"},
		{"closes", cases, "close"},
		{"escalations (1 case in 5)", cases / 5, "one escalation (sweep + level 1)"},
		{"case reads (10 page or API views a case)", 10 * cases, "case read"},
		{"redrive sweeps (every minute)", 525600, "redrive sweep, nothing due"},
		{"escalation sweeps (every 5 minutes)", 105120, "escalation sweep, nothing due"},
		{"daily sweeps (renewals, billing, housekeeping)", 3 * 365, "daily sweep (renewals, billing or housekeeping), nothing due"},
	}
	var reads, writes, mails, apiCalls, sweepRuns float64
	for _, l := range year {
		c, ok := u[l.op]
		if !ok {
			panic(fatal{"cost: no measurement of " + l.op})
		}
		reads += l.n * c.ReadUnits
		writes += l.n * c.WriteUnits
		mails += l.n * float64(c.Mails)
		if l.n >= 525600 || l.n == 105120 || l.n == 3*365 {
			sweepRuns += l.n
		} else {
			apiCalls += l.n
		}
	}
	d := u["one mail delivered (claim, send, mark sent)"]
	reads += mails * d.ReadUnits
	writes += mails * d.WriteUnits

	// Lambda: each API call invokes its function and (uncached) the
	// authorizer; each mail one notifier invocation; each sweep one run.
	// Durations assumed: 60 ms at 512 MB for API calls (waiting on
	// DynamoDB; handler CPU is under 0.1 ms), 20 ms at 256 MB for the
	// authorizer, 150 ms at 256 MB per mail, 100 ms at 256 MB per sweep.
	invocations := 2*apiCalls + mails + sweepRuns
	gbSeconds := apiCalls*0.060*0.5 + apiCalls*0.020*0.25 + mails*0.150*0.25 + sweepRuns*0.100*0.25
	// Storage: what the writes put down, at 1 KB per AWS write unit and half
	// of it transactional (two units per KB), all kept for the year.
	storageGB := writes / 2 / 1e6
	logsGB := invocations * 1024 / 1e9 // about 1 KB of JSON log per invocation
	xrayTraces := invocations - 12*100000
	if xrayTraces < 0 {
		xrayTraces = 0
	}

	rows := []struct {
		part, volume, price string
		cost                float64
	}{
		{"DynamoDB writes", fmt.Sprintf("%.2f million WRU", writes/1e6), fmt.Sprintf("$%.3f per million", priceWriteMillion), writes / 1e6 * priceWriteMillion},
		{"DynamoDB reads", fmt.Sprintf("%.2f million RRU", reads/1e6), fmt.Sprintf("$%.3f per million", priceReadMillion), reads / 1e6 * priceReadMillion},
		{"DynamoDB storage and PITR", fmt.Sprintf("%.3f GB", storageGB), fmt.Sprintf("$%.2f + $%.2f per GB-month", priceStorageGBMonth, pricePITRGBMonth), storageGB * 12 * (priceStorageGBMonth + pricePITRGBMonth)},
		{"Lambda requests", fmt.Sprintf("%.2f million", invocations/1e6), fmt.Sprintf("$%.2f per million", priceLambdaMillion), invocations / 1e6 * priceLambdaMillion},
		{"Lambda duration (arm64)", fmt.Sprintf("%.0f GB-s", gbSeconds), fmt.Sprintf("$%.10f per GB-s", priceLambdaGBSecond), gbSeconds * priceLambdaGBSecond},
		{"API Gateway HTTP API", fmt.Sprintf("%.2f million requests", apiCalls/1e6), fmt.Sprintf("$%.2f per million", priceAPIMillion), apiCalls / 1e6 * priceAPIMillion},
		{"SES", fmt.Sprintf("%.0f mails", mails), fmt.Sprintf("$%.2f per 1,000", priceSESThousand), mails / 1000 * priceSESThousand},
		{"CloudWatch alarms", fmt.Sprintf("%d alarm metrics", alarmMetrics), fmt.Sprintf("$%.2f per alarm metric-month", priceAlarmMetric), alarmMetrics * 12 * priceAlarmMetric},
		{"Secrets Manager", fmt.Sprintf("%d secret", secrets), fmt.Sprintf("$%.2f per secret-month", priceSecretMonth), secrets * 12 * priceSecretMonth},
		{"CloudWatch Logs", fmt.Sprintf("%.2f GB", logsGB), fmt.Sprintf("$%.2f per GB ingested", priceLogsGB), logsGB * priceLogsGB},
		{"X-Ray", fmt.Sprintf("%.2f million traces beyond the free tier", xrayTraces/1e6), fmt.Sprintf("$%.2f per million", priceXRayMillion), xrayTraces / 1e6 * priceXRayMillion},
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].cost > rows[j].cost })
	total := 0.0
	say("## Cost per partner-year (1,000 partners, 10,000 cases)\n")
	say("From the units measured above × the year's business (%.0f sign-ups and approvals, %.0f cases each with intake, accept, 3 notes, close and 10 reads, 1 in 5 escalated; every sweep on its schedule) × list prices (us-east-1). Assumed, not measured: Lambda durations (60 ms at 512 MB per API call, 150 ms per mail), 1 KB of log per invocation, the authorizer invoked on every call (no cache hits).\n", partners, cases)
	say("| part | yearly volume | list price | per year |")
	say("|---|---|---|---|")
	for _, r := range rows {
		total += r.cost
		say("| %s | %s | %s | $%.2f |", r.part, r.volume, r.price, r.cost)
	}
	say("| **total** | %.0f mails, %.2f million invocations | | **$%.2f a year = $%.4f per partner** |\n", mails, invocations/1e6, total, total/partners)
}
