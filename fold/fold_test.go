package fold

import (
	"reflect"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ARRÊT", "arret"},
		{"  Ça  VA, Élodie ! ", "ca va, elodie !"},
		{"Cœur", "coeur"},
		{"Collège Évariste-Galois", "college evariste-galois"},
		{"", ""},
		{"😀 stop", "😀 stop"},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWords(t *testing.T) {
	got := Words("Médiathèque Françoise-Sagan, 10e !")
	want := []string{"mediatheque", "francoise", "sagan", "10e"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
}
