package web

// ConfigurationRow is one validated configuration as a page shows it.
type ConfigurationRow struct {
	ID, Partner, PartnerProduct, PartnerVersion, HostProduct, HostVersions string
	Notes, SupportURL, Status, Reason, Submitted                           string
	Version                                                                int
	// CanApprove and CanReject offer the host's decisions.
	CanApprove, CanReject bool
	// Shown opens the row's Timeline.
	Shown    bool
	Timeline []TimelineEntry
	// Problem, Errors and Values show a refused decision on its row.
	Problem string
	Errors  map[string]string
	Values  map[string]string
}

// ConfigurationsPage is a program's validated configurations: the host's
// review queue, or a partner's own with the form to submit one.
type ConfigurationsPage struct {
	Nav                    Nav
	ProgramID, ProgramName string
	MarketplaceURL         string
	// Host is true for the host's users (all partners' configurations);
	// Decides for those who approve and reject.
	Host, Decides bool
	// Status filters the list ("" for all); Tabs are the filters offered.
	Status string
	Tabs   []Option
	Rows   []ConfigurationRow
	// CanSubmit shows the submission form (a partner admin, place active);
	// Why says why a partner cannot submit.
	CanSubmit bool
	Why       string
	Notice    string
	Problem   string
	Values    map[string]string
	Errors    map[string]string
}

// MarketplacePage is a program's public list of validated configurations.
type MarketplacePage struct {
	Product, Version string
	Rows             []ConfigurationRow
	// Searched is true when a product or version was asked for.
	Searched bool
}
