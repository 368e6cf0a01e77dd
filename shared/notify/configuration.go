package notify

// ConfigurationMail is what the mail about a validated configuration
// shows: the program, the partner, the configuration, and the program's
// configurations page (Link).
type ConfigurationMail struct {
	ProgramMail
	CompanyName     string
	ConfigurationID string
	PartnerProduct  string
	PartnerVersion  string
	HostProduct     string
	// HostVersions are the host's versions tested, joined with ", ".
	HostVersions string
	Link         string
}

// ConfigurationSubmitted tells the host (its program's notify addresses)
// that a partner submitted a configuration to approve or reject.
type ConfigurationSubmitted struct {
	ConfigurationMail
	Notes, SupportURL, SubmittedBy string
}

// ConfigurationDecided tells the partner's admins that the host approved
// the configuration (it is listed on the marketplace, MarketplaceLink) or
// rejected it (Reason).
type ConfigurationDecided struct {
	ConfigurationMail
	Approved                bool
	Reason, MarketplaceLink string
}

// Template names the template.
func (ConfigurationSubmitted) Template() string { return "configuration_submitted" }

// Template names the template.
func (ConfigurationDecided) Template() string { return "configuration_decided" }

func init() {
	register[ConfigurationSubmitted]()
	register[ConfigurationDecided]()
}
