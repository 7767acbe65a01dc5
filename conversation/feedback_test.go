package conversation

import (
	"strings"
	"testing"
)

// A student gives a mark from wherever they are, with AVIS (or REVIEW): the mark and the word are
// kept (contact details masked), a bad mark gets the way to write it, and the question they were at
// stays as it was.
func TestStudentFeedback(t *testing.T) {
	tests := []struct {
		text   string
		mark   int    // 0: nothing kept
		word   string // kept with the mark
		phrase string // in the answer
	}{
		{"AVIS 5 génial", 5, "génial", "Merci pour ton avis"},
		{"avis 4/5 très bien", 4, "très bien", "Merci pour ton avis"},
		{"REVIEW 3", 3, "", "Merci pour ton avis"},
		{"AVIS 5 appelle-moi au 06 12 34 56 78", 5, "appelle-moi au ***", "Merci pour ton avis"},
		{"AVIS 9 super", 0, "", "une note de 1 à 5"},
		{"AVIS 4 2 bien", 0, "", "une note de 1 à 5"},
		{"AVIS", 0, "", "une note de 1 à 5"},
		{"avis trop bien", 0, "", "une note de 1 à 5"},
		{"AVIS 3 " + strings.Repeat("x", 80), 3, strings.Repeat("x", 60), "Merci pour ton avis"},
		// Masked first, then cut: a placeholder longer than what it hides does not make the word too
		// long, and a number at the cut is masked whole, not cut to digits too few to be seen.
		{"AVIS 5 Génial ! insta 1, snap 2, fb 3, tiktok 4, discord 5, tel 6", 5,
			"Génial ! insta ***, snap ***, fb ***, tiktok ***, discord", "Merci pour ton avis"},
		{"AVIS 4 " + strings.Repeat("a", 50) + " 06 12 34 56 78", 4, strings.Repeat("a", 50) + " ***", "Merci pour ton avis"},
		{"AVIS 4 " + strings.Repeat("a", 57) + " 06 12 34 56 78", 4, strings.Repeat("a", 57), "Merci pour ton avis"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			d := newDriver(t)
			signUp(d)
			d.send("musee")
			before := d.s
			got := d.send(tc.text)
			if !strings.Contains(got, tc.phrase) {
				t.Errorf("%q answered %q, want %q", tc.text, got, tc.phrase)
			}
			if d.s.State != before.State || strings.Join(d.s.Choices, ",") != strings.Join(before.Choices, ",") {
				t.Errorf("feedback moved the conversation from %s to %s", before.State, d.s.State)
			}
			switch {
			case tc.mark == 0 && len(d.w.feedback) != 0:
				t.Errorf("kept %+v, want nothing", d.w.feedback)
			case tc.mark != 0 && (len(d.w.feedback) != 1 || d.w.feedback[0].Mark != tc.mark || d.w.feedback[0].Word != tc.word):
				t.Errorf("kept %+v, want mark %d word %q", d.w.feedback, tc.mark, tc.word)
			}
		})
	}
}
