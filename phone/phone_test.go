package phone_test

import (
	"errors"
	"testing"

	"stagebot/phone"
)

func TestMobile(t *testing.T) {
	for _, tt := range []struct {
		raw     string
		fiction bool
		want    string
		err     error
	}{
		{"06 12 34 56 78", false, "+33612345678", nil},
		{"+33 7 81 23 45 67", false, "+33781234567", nil},
		{"06.12.34.56.78", false, "+33612345678", nil},
		{"01 42 76 40 40", false, "", phone.ErrNotMobile},
		{"09 51 23 45 67", false, "", phone.ErrNotMobile},
		{"06 12", false, "", phone.ErrInvalid},
		{"papa", false, "", phone.ErrNotANumber},
		{"06 39 98 00 01", false, "", phone.ErrInvalid},
		{"06 39 98 00 01", true, "+33639980001", nil},
	} {
		got, err := phone.Mobile(tt.raw, tt.fiction)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("Mobile(%q, %v) = %q, %v; want %q, %v", tt.raw, tt.fiction, got, err, tt.want, tt.err)
		}
	}
}

func TestValidE164AndMask(t *testing.T) {
	for s, want := range map[string]bool{"+33612345678": true, "+1415555": true, "0612345678": false, "+0612345678": false,
		"+33 6 12": false, "+3361234567890123": false} {
		if phone.ValidE164(s) != want {
			t.Errorf("ValidE164(%q) = %v", s, !want)
		}
	}
	if got := phone.Mask("+33612345678"); got != "06 xx xx xx 78" {
		t.Errorf("Mask = %q", got)
	}
}

// The cases the Twilio adapter's own validator was tested with.
func TestValidE164(t *testing.T) {
	for s, want := range map[string]bool{"+33612345678": true, "+14155550100": true, "+1234567": true,
		"+123456": false, "0612345678": false, "+0612345678": false, "+33 6 12 34 56 78": false,
		"+1234567890123456": false, "": false, "whatsapp:+33612345678": false} {
		if got := phone.ValidE164(s); got != want {
			t.Errorf("ValidE164(%q) = %v", s, got)
		}
	}
}
