package agreement

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"stagebot/domain"
)

// Template is a version of the agreement's text: the national model's articles (templates/*.toml).
type Template struct {
	Version  string    `toml:"version"`
	Title    string    `toml:"title"`
	Subtitle string    `toml:"subtitle"`
	Preamble string    `toml:"preamble"`
	Articles []Article `toml:"article"`
	Closing  string    `toml:"closing"`
}

// Article is one article of the text.
type Article struct {
	Title string `toml:"title"`
	Text  string `toml:"text"`
}

// Templates reads every version of the text, oldest first.
func Templates() ([]Template, error) {
	names, err := fs.Glob(files, "templates/*.toml")
	if err != nil {
		return nil, err
	}
	var out []Template
	for _, name := range names {
		raw, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var t Template
		md, err := toml.Decode(string(raw), &t)
		if err != nil {
			return nil, fmt.Errorf("agreement template %s: %w", name, err)
		}
		if u := md.Undecoded(); len(u) > 0 {
			return nil, fmt.Errorf("agreement template %s: unknown key %s", name, u[0])
		}
		if t.Version == "" || t.Title == "" || len(t.Articles) == 0 || "templates/"+t.Version+".toml" != name {
			return nil, fmt.Errorf("agreement template %s: a version named as its file, a title and articles", name)
		}
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b Template) int { return strings.Compare(a.Version, b.Version) })
	return out, nil
}

// TemplateOf reads version v of the text ("" for the newest).
func TemplateOf(v string) (Template, error) {
	all, err := Templates()
	if err != nil {
		return Template{}, err
	}
	if v == "" {
		return all[len(all)-1], nil
	}
	for _, t := range all {
		if t.Version == v {
			return t, nil
		}
	}
	return Template{}, fmt.Errorf("agreement template %q: no such version", v)
}

// Document is an agreement's content: everything the parties sign. Its hash is what a signature
// signs; changing any field changes it (and voids the signatures).
type Document struct {
	Template string `json:"template"` // the text's version
	Ref      string `json:"ref"`      // "CONV-123"

	SchoolName      string `json:"school_name"`
	SchoolUAI       string `json:"school_uai"`
	SchoolAddress   string `json:"school_address"`
	SchoolPrincipal string `json:"school_principal"` // who signs for the collège
	Referent        string `json:"referent"`         // the referent teacher

	HostName       string `json:"host_name"`
	HostAddress    string `json:"host_address"` // where the stage takes place
	Representative string `json:"representative"`
	Tutor          string `json:"tutor"` // the person the student asks for
	Offer          string `json:"offer"`
	Activities     string `json:"activities"`

	StudentFirstName string    `json:"student_first_name"`
	StudentLastName  string    `json:"student_last_name"`
	StudentClass     string    `json:"student_class"`
	StudentBirth     time.Time `json:"student_birth"` // the month
	ParentName       string    `json:"parent_name"`
	Parent2Name      string    `json:"parent2_name"` // "" when one legal representative signs

	Week     time.Time       `json:"week"` // the stage's Monday
	Schedule domain.Schedule `json:"schedule"`
}

// Hash is the document's SHA-256, in hex: what a signature signs.
func (d Document) Hash() string {
	raw, err := json.Marshal(d)
	if err != nil { // a struct of strings, times and ints always marshals
		panic(err)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// Age is a student's age in whole years on day, born in month birth (counted from its first day,
// the month being all stagebot keeps).
func Age(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() {
		age--
	}
	return age
}

// Signature is one party's signature, as the document prints it.
type Signature struct {
	Signatory domain.Signatory
	Name      string
	At        time.Time
	Method    string // "SMS, code à 6 chiffres", "page du collège"
	Proof     string // the hash of the number or the session it came from
	Hash      string // the document signed
}
