package simulate

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"stagebot/store"
)

func TestLoadPolicy(t *testing.T) {
	tests := []struct {
		name, file, wantErr string
		check               func(t *testing.T, p Policy)
	}{
		{name: "shipped default", file: "../../docs/policies/default.toml", check: func(t *testing.T, p Policy) {
			if days, ok := p.releaseDays(); p.Name != "règles actuelles" || p.Label("en") != "current rules" || p.Reminders.Off || !ok || days != DefaultReleaseDays {
				t.Errorf("%+v", p)
			}
		}},
		{name: "shipped no reminders", file: "../../docs/policies/no-reminders.toml", check: func(t *testing.T, p Policy) {
			if !p.Reminders.Off {
				t.Errorf("%+v", p)
			}
		}},
		{name: "shipped no reservation", file: "../../docs/policies/no-reservation.toml", check: func(t *testing.T, p Policy) {
			if p.ReservedShare == nil || *p.ReservedShare != 0 {
				t.Errorf("%+v", p)
			}
		}},
		{name: "never released", file: "release_days = -1\n", check: func(t *testing.T, p Policy) {
			if _, ok := p.releaseDays(); ok || p.Name != "policy" {
				t.Errorf("%+v", p)
			}
		}},
		{name: "shipped outreach in REP/REP+", file: "../../docs/policies/outreach-rep.toml", check: func(t *testing.T, p Policy) {
			if p.Outreach != OutreachREP || !p.relays("0750001A", store.PriorityREPPlus) || p.relays("0750001A", store.PriorityNone) ||
				p.Label("en") != "outreach in REP/REP+ collèges" {
				t.Errorf("%+v", p)
			}
		}},
		{name: "shipped direct booking", file: "../../docs/policies/direct-booking.toml", check: func(t *testing.T, p Policy) {
			if !p.DirectBooking || p.BookingDays != 3 {
				t.Errorf("%+v", p)
			}
		}},
		{name: "outreach by list", file: "outreach_colleges = [\"0750002B\"]\n", check: func(t *testing.T, p Policy) {
			if p.Outreach != OutreachNone || !p.relays("0750002B", store.PriorityNone) || p.relays("0750001A", store.PriorityREP) {
				t.Errorf("%+v", p)
			}
		}},
		{name: "unknown outreach", file: "outreach = \"some\"\n", wantErr: "none, rep or all"},
		{name: "not a UAI", file: "outreach_colleges = [\"Pasteur\"]\n", wantErr: "no UAI code"},
		{name: "booking days out of range", file: "direct_booking = true\nbooking_days = 30\n", wantErr: "between 1 and 14"},
		{name: "unknown key", file: "name = \"x\"\nreminder = 3\n", wantErr: "unknown key reminder"},
		{name: "unknown reminder", file: "[reminders]\nhost_wait = [3]\n", wantErr: "unknown key reminders.host_wait"},
		{name: "share out of range", file: "reserved_share = 1.5\n", wantErr: "between 0 and 1"},
		{name: "cap out of range", file: "max_applications = 50\n", wantErr: "between 1 and 20"},
		{name: "not TOML", file: "name = \n", wantErr: "policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.file
			if !strings.HasSuffix(path, ".toml") {
				path = filepath.Join(t.TempDir(), "policy.toml")
				if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			p, err := LoadPolicy(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
}

func TestBehaviour(t *testing.T) {
	if err := DefaultBehaviour().Check(); err != nil {
		t.Fatal(err)
	}
	// Every figure of the behaviour file is an assumption the report states.
	listed := map[string]bool{}
	for _, a := range DefaultBehaviour().Assumptions() {
		listed[a.Key] = true
	}
	fields := reflect.TypeFor[Behaviour]()
	for i := range fields.NumField() {
		if key := fields.Field(i).Tag.Get("toml"); !listed[key] {
			t.Errorf("%s (%s) is not among the assumptions", fields.Field(i).Name, key)
		}
	}
	if len(listed) != fields.NumField() {
		t.Errorf("%d assumptions for %d figures", len(listed), fields.NumField())
	}
	tests := []struct{ file, wantErr string }{
		{"uptake = 0.5\n", ""},
		{"uptake = 1.5\n", "uptake is 1.5"},
		{"host_asks = [0.6, 0.6]\n", "host_asks add up to 1.2"},
		{"views = 0\n", "views is 0"},
		{"speed = 3\n", "unknown key speed"},
		{"sms = 0.8\nwhatsapp = 0.5\n", "sms and whatsapp"},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "b.toml")
		os.WriteFile(path, []byte(tt.file), 0o644)
		b, err := LoadBehaviour(path)
		if tt.wantErr == "" {
			if err != nil || b.Uptake != 0.5 || b.Views != DefaultBehaviour().Views {
				t.Errorf("%q: %v, %+v", tt.file, err, b)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%q: error %v, want %q", tt.file, err, tt.wantErr)
		}
	}
}

func TestWithDatabase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://u@/postgres?host=/tmp/x&port=5499&sslmode=disable",
			"postgres://u@/sim?host=%2Ftmp%2Fx&port=5499&sslmode=disable&synchronous_commit=off"},
		{"host=/tmp/x port=5432 user=postgres dbname=postgres sslmode=disable",
			"host=/tmp/x port=5432 user=postgres sslmode=disable dbname=sim synchronous_commit=off"},
	}
	for _, tt := range tests {
		if got := withDatabase(tt.in, "sim"); got != tt.want {
			t.Errorf("withDatabase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDraws(t *testing.T) {
	r := rng(1, "x")
	counts := make([]int, 4)
	for range 10000 {
		counts[atAsk(r, []float64{0.5, 0.2, 0.1})]++
	}
	// 0: never (20 %), 1: 50 %, 2: 20 %, 3: 10 %
	for k, want := range []int{2000, 5000, 2000, 1000} {
		if d := counts[k] - want; d < -300 || d > 300 {
			t.Errorf("atAsk %d: %d of 10000, want about %d", k, counts[k], want)
		}
	}
	sum := 0
	for range 10000 {
		sum += poisson(r, 2)
	}
	if sum < 19000 || sum > 21000 {
		t.Errorf("poisson(2): mean %.2f", float64(sum)/10000)
	}
	if a, b := rng(3, "student/1").Uint64(), rng(3, "student/1").Uint64(); a != b {
		t.Error("one thing's random source is not the same twice")
	}
}

// A collège that relays the service keeps the students it would have had without, and has more;
// the other collèges' students are the same, number for number.
func TestOutreachPopulation(t *testing.T) {
	week := time.Date(2027, 1, 18, 0, 0, 0, 0, time.UTC)
	ips := 85.0
	cohort := 200
	schools := []store.School{
		{UAI: "0750001A", Name: "Collège REP", Priority: store.PriorityREP, IPS: &ips, Department: store.ParisDepartment, CohortSize: &cohort, StageWeek: &week},
		{UAI: "0750002B", Name: "Collège", Priority: store.PriorityNone, IPS: &ips, Department: store.ParisDepartment, CohortSize: &cohort, StageWeek: &week},
	}
	places := []store.SectorWeek{{Week: week, Sector: "culture", Places: 10}}
	b := DefaultBehaviour()
	start := week.AddDate(0, 0, -42)
	none := populate(schools, nil, places, b, DefaultPolicy(), 1, 1, start)
	rep := populate(schools, nil, places, b, Policy{Name: "rep", Outreach: OutreachREP}, 1, 1, start)
	addresses := func(pop Population, uai string) map[string]bool {
		m := map[string]bool{}
		for _, st := range pop.World.Students {
			if st.SchoolUAI == uai {
				m[st.Address] = true
			}
		}
		return m
	}
	before, after := addresses(none, "0750001A"), addresses(rep, "0750001A")
	if len(after) < len(before)*3/2 {
		t.Errorf("the relaying collège has %d users, %d without outreach", len(after), len(before))
	}
	for a := range before {
		if !after[a] {
			t.Errorf("student %s is lost to outreach", a)
		}
	}
	if other, same := addresses(none, "0750002B"), addresses(rep, "0750002B"); len(other) != len(same) {
		t.Errorf("the other collège has %d users, %d without outreach", len(same), len(other))
	}
	if !rep.World.Nudging["0750001A"] || rep.World.Nudging["0750002B"] || len(none.World.Nudging) != 0 {
		t.Errorf("nudging collèges %v, %v", rep.World.Nudging, none.World.Nudging)
	}
}
