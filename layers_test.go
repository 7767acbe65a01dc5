package stagebot_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// layers places every package of the module (see doc.go): a package may import only packages of a
// strictly lower layer. Test files may import anything.
var layers = map[string]int{
	"stagebot/cmd/stagebot":  7,
	"stagebot/cmd/stageload": 7,
	"stagebot/deploy":        7,

	"stagebot/season/simulate": 6,

	"stagebot/season": 5,
	"stagebot/demo":   5,

	"stagebot/bot/telegram":              4,
	"stagebot/bot/twilio":                4,
	"stagebot/bot/console":               4,
	"stagebot/bot/sender":                4,
	"stagebot/bot/ops":                   4,
	"stagebot/scheduler":                 4,
	"stagebot/catalog":                   4,
	"stagebot/store/storetest":           4,
	"stagebot/bot/telegram/telegramtest": 4,
	"stagebot/bot/twilio/twiliotest":     4,
	"stagebot/web":                       4,
	"stagebot/web/mail":                  4,
	"stagebot/web/mail/mailtest":         4,

	"stagebot/bot": 3,

	"stagebot/conversation": 2,
	"stagebot/agreement":    2,
	"stagebot/store":        2,
	"stagebot/bot/render":   2,

	"stagebot/domain":          1,
	"stagebot/calendar":        1,
	"stagebot/chart":           1,
	"stagebot/clock":           1,
	"stagebot/fold":            1,
	"stagebot/locales":         1,
	"stagebot/phone":           1,
	"stagebot/store/localpg":   1,
	"stagebot/web/browsertest": 1,
	"stagebot":                 1,
}

// No package imports one above it, or one beside it; every package has a layer.
func TestNoUpwardImports(t *testing.T) {
	cmd := exec.Command("go", "list", "-json", "./...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	edges := 0
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		from, ok := layers[p.ImportPath]
		if !ok {
			t.Errorf("%s has no layer: add it to layers (and to doc.go)", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if imp != "stagebot" && !strings.HasPrefix(imp, "stagebot/") {
				continue
			}
			edges++
			to, ok := layers[imp]
			switch {
			case !ok:
				t.Errorf("%s imports %s, which has no layer", p.ImportPath, imp)
			case to >= from:
				t.Errorf("%s (layer %d) imports %s (layer %d): a package imports only lower layers", p.ImportPath,
					from, imp, to)
			}
		}
	}
	if edges < 30 {
		t.Errorf("only %d imports between the module's packages: is go list reading the module?", edges)
	}
}
