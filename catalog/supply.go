package catalog

import (
	"fmt"
	"math"

	"github.com/BurntSushi/toml"
)

// Supply is how many stage places a season offers, and to whom (data/supply.toml).
type Supply struct {
	CityPlaces   int `toml:"city_places" json:"city_places"`                   // in the City's own services
	CityReserved int `toml:"city_reserved_places" json:"city_reserved_places"` // of them, for REP/REP+ students
	ESSPlaces    int `toml:"ess_places" json:"ess_places"`                     // in ESS structures, on top
}

// Places is every place of the supply.
func (s Supply) Places() int { return s.CityPlaces + s.ESSPlaces }

// DefaultSupply is the supply of data/supply.toml: a whole season of Paris.
func DefaultSupply() (Supply, error) {
	var s Supply
	raw, err := embedded.ReadFile("data/supply.toml")
	if err != nil {
		return s, fmt.Errorf("supply: %w", err)
	}
	meta, err := toml.Decode(string(raw), &s)
	if err != nil {
		return s, fmt.Errorf("supply: %w", err)
	}
	if u := meta.Undecoded(); len(u) > 0 {
		return s, fmt.Errorf("supply: unknown key %s", u[0])
	}
	return s, s.check()
}

// Scaled is the supply for a population scaled by f, each figure rounded; the reserved places keep
// their share of the City's places.
func (s Supply) Scaled(f float64) Supply {
	city := int(math.Round(float64(s.CityPlaces) * f))
	out := Supply{CityPlaces: city, ESSPlaces: int(math.Round(float64(s.ESSPlaces) * f))}
	if s.CityPlaces > 0 {
		out.CityReserved = int(math.Round(float64(city) * float64(s.CityReserved) / float64(s.CityPlaces)))
	}
	return out
}

func (s Supply) check() error {
	if s.CityPlaces < 0 || s.ESSPlaces < 0 || s.CityReserved < 0 || s.CityReserved > s.CityPlaces {
		return fmt.Errorf("supply: %d City places (%d reserved) and %d ESS places: none negative, no more reserved than places",
			s.CityPlaces, s.CityReserved, s.ESSPlaces)
	}
	return nil
}
