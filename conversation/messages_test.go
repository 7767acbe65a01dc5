package conversation

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"stagebot/locales"
)

// dynamicIDs expands the message ids the code builds from a prefix.
var dynamicIDs = map[string][]string{
	"weekday_": {"1", "2", "3", "4", "5", "6", "7"},
	"month_":   {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
	"parent_notice_": {"sent", "accepted", "booked", "declined", "full", "withdrawn", "expired", "host_gone", "erased", "day_before",
		"request_expired", "confirm_reminder", "consent_reminder", "stage_soon", "unsent_expired", "parent_changed",
		"stage_cancelled"},
	"host_notice_": {"withdrawn", "cancelled", "confirmed", "student_answer", "expired", "erased", "request_expired",
		"host_day_before", "feedback", "stage_cancelled", "accepted_by_colleague", "declined_by_colleague"},
	"student_notice_": {"accepted", "booked", "parent_withdrew", "declined", "full", "withdrawn", "day_before", "expired",
		"host_message", "host_gone", "request_expired", "confirm_reminder", "consent_slow", "stage_soon", "feedback",
		"release", "few_applications", "still_looking", "unsent_expired", "nudge"},
	"apply_": {"full", "not_week", "closed", "too_young", "already", "too_many", "not_found", "placed", "no_consent"},
	"status_": {"full", "draft", "awaiting_parent", "sent", "accepted", "confirmed", "declined", "withdrawn",
		"cancelled", "expired"},
	"family_":          {"sante", "nature", "arts", "medias", "numerique", "sport", "savoirs", "droit", "commerce", "tourisme", "batiment", "industrie"},
	"language_name_":   {"fr", "en", "ar", "zh", "pt", "es"},
	"host_status_":     {"sent", "accepted", "confirmed"},
	"holiday_":         {"toussaint", "noel", "hiver", "printemps", "ete"},
	"limit_":           {"day", "week", "break", "night", "rest"},
	"agreement_state_": {"draft", "completed", "checked", "signing", "signed", "cancelled"},
}

// agreementCommon are the agreement's messages every party has, each under its party's prefix
// (studentWords, hostWords, parentWords: the code builds them as words + suffix).
var agreementCommon = []string{"none", "status_draft", "status_completed", "status_checked", "status_signing",
	"status_signed", "status_cancelled", "missing", "sign_hint", "link", "sig_school", "sig_host", "sig_student",
	"sig_parent", "sig_parent2", "sig_you", "need_hours", "need_activities", "need_student_name", "need_parent_name",
	"need_parent2", "need_referent", "need_check", "code", "code_wrong", "code_not_open", "code_signed",
	"code_too_many", "code_locked", "code_none", "signed_signed", "signed_all", "signed_locked", "signed_no_code",
	"soon_signed", "soon_unsigned", "notice_ready", "notice_voided", "notice_signed", "notice_reminder"}

// agreementOwn are the agreement's messages of one party only.
var agreementOwn = map[string][]string{
	studentWords: {"notice_last_name", "notice_late"},
	hostWords: {"notice_fill", "not_saved_closed", "not_saved_not_yours", "not_saved_too_long", "saved", "hours_how",
		"activities_how", "unknown_ref", "which_ref", "hours_unread", "hours_refused", "hours_saved"},
	parentWords: {"notice_parent_name", "notice_parent2", "notice_late", "not_saved_closed", "not_saved_not_yours",
		"not_saved_too_long", "not_saved_bad_phone", "not_saved_same_phone", "saved", "bad_name", "which"},
}

// agreementIDs are every agreement message id of every party.
func agreementIDs() []string {
	var out []string
	for prefix, own := range agreementOwn {
		for _, suffix := range append(append([]string{}, agreementCommon...), own...) {
			out = append(out, prefix+suffix)
		}
	}
	return out
}

// leftmost is the first operand of a chain of +.
func leftmost(e ast.Expr) ast.Expr {
	for {
		bin, ok := e.(*ast.BinaryExpr)
		if !ok {
			return e
		}
		e = bin.X
	}
}

// usedIDs collects the message ids the package's code passes to the catalog: the literal ids given
// to tr, plural and choiceOf, the short and help ids of the state table, and the ids built from
// the prefixes above.
func usedIDs(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	literal := func(e ast.Expr) (string, bool) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(lit.Value)
		return s, err == nil
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				arg := -1
				switch sel.Sel.Name {
				case "tr", "plural":
					arg = 0
				case "choiceOf", "textIn", "pluralIn", "choiceIn":
					arg = 1
				}
				if arg < 0 || len(n.Args) <= arg {
					return true
				}
				if id, ok := literal(n.Args[arg]); ok {
					ids[id] = true
				} else if ident, ok := leftmost(n.Args[arg]).(*ast.Ident); ok && (ident.Name == "words" || strings.HasSuffix(ident.Name, "Words")) {
					// An agreement message, in a party's words: all of them are checked.
					for _, id := range agreementIDs() {
						ids[id] = true
					}
				} else if bin, ok := n.Args[arg].(*ast.BinaryExpr); ok {
					prefix, _ := literal(bin.X)
					suffixes, known := dynamicIDs[prefix]
					if !known {
						t.Errorf("%s: message id built from %q: add it to dynamicIDs", fset.Position(n.Pos()), prefix)
					}
					for _, s := range suffixes {
						ids[prefix+s] = true
					}
				}
			case *ast.KeyValueExpr:
				key, ok := n.Key.(*ast.Ident)
				if ok && (key.Name == "short" || key.Name == "help") {
					if id, ok := literal(n.Value); ok {
						ids[id] = true
					}
				}
			}
			return true
		})
	}
	return ids
}

// Every message the code uses exists in every language, and every message in the catalogs is used
// (except the renderer's, the web pages', the simulator report's and the demo page's, which their packages check).
func TestEveryMessageExists(t *testing.T) {
	used := usedIDs(t)
	if len(used) < 100 {
		t.Fatalf("found only %d message ids: is the scan broken?", len(used))
	}
	for _, lang := range []string{"fr", "en"} {
		ids, err := locales.MessageIDs(lang)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, id := range ids {
			have[id] = true
			if !used[id] && !strings.HasPrefix(id, "render_") && !strings.HasPrefix(id, "web_") && !strings.HasPrefix(id, "report_") && !strings.HasPrefix(id, "demo_") {
				t.Errorf("%s.toml: %q is never used", lang, id)
			}
		}
		var missing []string
		for id := range used {
			if !have[id] {
				missing = append(missing, id)
			}
		}
		sort.Strings(missing)
		for _, id := range missing {
			t.Errorf("%s.toml lacks %q", lang, id)
		}
	}
}

// Every message renders in both languages with the data the code gives it: no "<no value>".
func TestMessagesRenderInBothLanguages(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	full := data{"Name": "Léa", "Max": 5, "Min": 1, "School": "S", "Date": "D", "Query": "Q", "Host": "H", "Kind": "K",
		"Sector": "S", "Address": "A", "Hours": "9h", "Filters": "F", "Week": "W", "Birth": "B", "Phone": "P",
		"Length": 9, "Page": 1, "Pages": 2, "Weekday": "lundi", "Month": "mars", "Year": 2012, "Title": "T", "Status": "S",
		"Child": "Léa M.", "First": "LÉA", "Children": "Léa M.", "Student": "Léa M.", "Offer": "O", "Ref": 1042, "Motivation": "M",
		"Text": "Q?", "Contact": "C", "Friday": "F", "ConfirmBy": "D", "DecideBy": "D", "REP": true, "Priority": "REP",
		"OfStudent": "de Léa M.", "OfChild": "de Léa M.", "Hosts": "H1, H2", "When": "lundi à 8h30", "Time": "8h30", "Hour": 8, "Minute": "30", "Day": "lundi", "From": 4, "To": 6, "Best": 12, "ParentLang": "Arabe",
		"Where": "ESS, 11e", "Holiday": "vacances d'hiver", "Examples": "musée", "Example": "Jean Moulin", "Requests": "réf. 1", "Offers": "O1 ; O2", "Family": "Santé", "Live": 2,
		"Code": "482 913", "Left": 3, "Link": "https://s.example/c/x", "Missing": "M", "YouSign": true, "Age": 14,
		"Reasons": "R", "Total": "27 h", "State": "à signer", "List": "L (1)", "Actual": "8 h", "Next": "mardi", "Start": "20h", "End": "6h"}
	for id := range usedIDs(t) {
		for _, lang := range []string{"fr", "en"} {
			for _, n := range []int{1, 2} {
				got := cat.Plural(lang, id, n, full)
				checkText(t, got)
				if got == id {
					t.Errorf("%s %s: missing", lang, id)
				}
			}
		}
	}
}
