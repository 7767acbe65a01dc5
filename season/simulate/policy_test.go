package simulate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadPolicy(t *testing.T) {
	tests := []struct {
		name, file, wantErr string
		check               func(t *testing.T, p Policy)
	}{
		{name: "shipped default", file: "../../docs/policies/default.toml", check: func(t *testing.T, p Policy) {
			if days, ok := p.releaseDays(); p.Name != "default" || p.Reminders.Off || !ok || days != DefaultReleaseDays {
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
	if n := len(DefaultBehaviour().Assumptions()); n != 25 {
		t.Errorf("%d assumptions", n)
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
