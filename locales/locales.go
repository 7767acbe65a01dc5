// Package locales holds stagebot's message catalogs (one TOML file per language, French first) and
// looks messages up with CLDR plural rules through go-i18n.
package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var files embed.FS

// Default is the language used when a person has not chosen one, and the fallback for missing text.
const Default = "fr"

// Catalog is the loaded set of message catalogs.
type Catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	languages  []string
}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) {
	bundle := i18n.NewBundle(language.French)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(files, "*.toml")
	if err != nil {
		return nil, err
	}
	c := &Catalog{bundle: bundle, localizers: map[string]*i18n.Localizer{}}
	for _, name := range names {
		if _, err := bundle.LoadMessageFileFS(files, name); err != nil {
			return nil, fmt.Errorf("locale %s: %w", name, err)
		}
		lang := strings.TrimSuffix(path.Base(name), ".toml")
		c.languages = append(c.languages, lang)
		c.localizers[lang] = i18n.NewLocalizer(bundle, lang, Default)
	}
	sort.Strings(c.languages)
	return c, nil
}

// Languages lists the languages that have a catalog, e.g. ["en", "fr"].
func (c *Catalog) Languages() []string { return c.languages }

// Has reports whether lang has a catalog.
func (c *Catalog) Has(lang string) bool { _, ok := c.localizers[lang]; return ok }

// Text returns message id in lang, filled with data. A message missing in lang falls back to French;
// a message missing everywhere returns its id, so a gap shows instead of crashing a conversation.
func (c *Catalog) Text(lang, id string, data map[string]any) string {
	return c.localize(lang, &i18n.LocalizeConfig{MessageID: id, TemplateData: data})
}

// Plural returns message id in lang for count (which is also available to the template as .Count).
func (c *Catalog) Plural(lang, id string, count int, data map[string]any) string {
	d := map[string]any{"Count": count}
	for k, v := range data {
		d[k] = v
	}
	return c.localize(lang, &i18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: count})
}

func (c *Catalog) localize(lang string, cfg *i18n.LocalizeConfig) string {
	l, ok := c.localizers[lang]
	if !ok {
		l = c.localizers[Default]
	}
	if l == nil {
		return cfg.MessageID
	}
	s, err := l.Localize(cfg)
	if err != nil && s == "" {
		return cfg.MessageID
	}
	return s
}

// MessageIDs returns the ids defined in lang's catalog file, sorted; for completeness tests.
func MessageIDs(lang string) ([]string, error) {
	raw, err := files.ReadFile(lang + ".toml")
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := toml.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// Compare holds the messages of lang whose id starts with prefix against used, the ids a package
// writes: missing are used but not in the catalog, unused in the catalog but never used. A package
// whose messages share a prefix (report_, demo_) tests itself with it.
func Compare(lang, prefix string, used map[string]bool) (missing, unused []string, err error) {
	ids, err := MessageIDs(lang)
	if err != nil {
		return nil, nil, err
	}
	have := map[string]bool{}
	for _, id := range ids {
		have[id] = true
		if strings.HasPrefix(id, prefix) && !used[id] {
			unused = append(unused, id)
		}
	}
	for id := range used {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	return missing, unused, nil
}

// UsedIn lists the message ids starting with prefix that the Go files (tests left out) and the
// HTML templates of dir write as literals ("report_title"). Ids built from a prefix and a key
// ("report_metric_" + key) are listed as the prefix: the caller replaces them with the ids it builds.
func UsedIn(dir, prefix string) (map[string]bool, error) {
	literal := regexp.MustCompile(`"(` + regexp.QuoteMeta(prefix) + `[a-z0-9_]*)"`)
	used := map[string]bool{}
	err := filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && name != dir && filepath.Base(name) != "templates" {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(name, "_test.go") || (filepath.Ext(name) != ".go" && filepath.Ext(name) != ".html") {
			return nil
		}
		src, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
		return nil
	})
	return used, err
}
