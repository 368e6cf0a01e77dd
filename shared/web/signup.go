package web

import "github.com/tandemhq/tandem/shared/program"

// SignupForm is the sign-up page's data, all of it computed by the handler.
type SignupForm struct {
	Program      program.Program
	Token        string
	Email        string
	Fields       map[string]Field
	ErrorCount   int
	FormError    string
	Country      CountryField
	ContactRoles []ContactRole
	Always       bool
	HoursError   string
	Zone         Field
	Zones        []string
	Days         []DayOption
	DaysError    string
	Instructions string
	Accepted     bool
	AcceptError  string
	VersionError string
}

// DayOption is one weekday checkbox.
type DayOption struct {
	Key, Name string
	On        bool
}

// CountryOption is one country of the select.
type CountryOption struct {
	Code, Name string
	Selected   bool
}

// CountryField is the country select with its error.
type CountryField struct {
	Options []CountryOption
	Error   string
}

// ContactRole is one contact's fieldset.
type ContactRole struct {
	Title, Hint        string
	Name, Email, Phone Field
}
