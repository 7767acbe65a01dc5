package store_test

import (
	"testing"
)

// A reserved share spreads over a week's offers so that the week reserves its places times the
// share, rounded down, never more than an offer's places.
func TestSetReservedShare(t *testing.T) {
	w := newWorld(t)
	h := w.host("public")
	for _, places := range []int{1, 1, 3, 2, 4, 1} { // 12 places
		w.offer(h, "Soigner", places, 0)
	}
	tests := []struct {
		share float64
		want  int
	}{{0.42, 5}, {0, 0}, {1, 12}, {0.5, 6}}
	for _, tt := range tests {
		if err := w.s.SetReservedShare(w.ctx, tt.share); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Reserved int `db:"reserved"`
			Over     int `db:"over"`
		}
		if err := w.s.DB().GetContext(w.ctx, &got, `SELECT sum(reserved_places) AS reserved,
			count(*) FILTER (WHERE reserved_places > places) AS over FROM offer_weeks`); err != nil {
			t.Fatal(err)
		}
		if got.Reserved != tt.want || got.Over != 0 {
			t.Errorf("share %g: %d reserved (%d offers over their places), want %d", tt.share, got.Reserved, got.Over, tt.want)
		}
	}
	if err := w.s.SetReservedShare(w.ctx, 1.2); err == nil {
		t.Error("a share of 1.2 was taken")
	}
	phones, err := w.s.HostPhones(w.ctx)
	if err != nil || len(phones) != 1 || phones[0].HostID != h || phones[0].Phone == "" {
		t.Errorf("host phones: %+v, %v", phones, err)
	}
	places, err := w.s.PlacesBySectorWeek(w.ctx)
	if err != nil || len(places) != 1 || places[0].Places != 12 || !places[0].Week.Equal(week) {
		t.Errorf("places by sector and week: %+v, %v", places, err)
	}
	schools, err := w.s.Schools(w.ctx)
	if err != nil || len(schools) != 2 || schools[0].UAI > schools[1].UAI {
		t.Errorf("schools: %+v, %v", schools, err)
	}
}
