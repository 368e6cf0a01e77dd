package store

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/table"
)

// DynamoDB Local reports capacity its own way (a small transactional put
// with one index reads as 8 units). For cost estimates the meter also adds
// up what AWS would charge, from the items' sizes and AWS's published rules:
// a transactional write costs 2 WCU per started KB of the item; each global
// secondary index the item lands in costs 1 WCU per started KB more. An
// update's final size is not known here; it is counted as 1 KB.

// itemSize is an item's size as DynamoDB counts it: names plus values.
func itemSize(item map[string]types.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k) + valueSize(v)
	}
	return n
}

func valueSize(v types.AttributeValue) int {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return len(x.Value)
	case *types.AttributeValueMemberN:
		return len(x.Value)/2 + 1
	case *types.AttributeValueMemberB:
		return len(x.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range x.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range x.Value {
			n += 1 + valueSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range x.Value {
			n += 1 + len(k) + valueSize(e)
		}
		return n
	}
	return 0
}

func kb(size int) float64 { return float64((size + 1023) / 1024) }

// awsWriteUnits estimates the WCU AWS charges for a transaction.
func awsWriteUnits(items []types.TransactWriteItem) float64 {
	total := 0.0
	for _, it := range items {
		switch {
		case it.Put != nil:
			size := itemSize(it.Put.Item)
			total += 2 * kb(size)
			for _, ix := range table.Definition().Indexes {
				if it.Put.Item[ix.PartitionKey] != nil && it.Put.Item[ix.SortKey] != nil {
					total += kb(size)
				}
			}
		case it.Update != nil:
			total += 2
		case it.ConditionCheck != nil:
			total += 2 // a condition check is charged as a write of its item
		case it.Delete != nil:
			total += 2
		}
	}
	return total
}
