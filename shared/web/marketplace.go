package web

// MarketplacePage is a program's public list of validated configurations.
type MarketplacePage struct {
	Product, Version string
	Rows             []MarketplaceRow
	// Searched is true when a product or version was asked for.
	Searched bool
}

// MarketplaceRow is one validated configuration as the public
// marketplace shows it.
type MarketplaceRow struct {
	ID, Partner, PartnerProduct, PartnerVersion, HostProduct, HostVersions string
	Notes, SupportURL                                                      string
}
