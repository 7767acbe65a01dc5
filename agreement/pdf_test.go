package agreement

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"stagebot/calendar"
	"stagebot/domain"
)

var render = flag.Bool("render", false, "write the sample agreement's pages as PNG to docs/agreement")

// sample is an agreement as a stage gives it: every party, the week's hours, and two of its five
// signatures.
func sample(t *testing.T) (Document, Template, []Signer) {
	t.Helper()
	tmpl, err := TemplateOf("")
	if err != nil {
		t.Fatal(err)
	}
	sched, err := Parse("lundi au jeudi 9h-12h 13h30-16h30, vendredi 9h-12h")
	if err != nil {
		t.Fatal(err)
	}
	doc := Document{Template: tmpl.Version, Ref: "CONV-42", SchoolName: "Georges Clemenceau", SchoolUAI: "0750546L",
		SchoolAddress: "43 rue des Poissonniers, 75018 Paris", SchoolPrincipal: "Mme Aïcha Benali", Referent: "M. Lucas Moreau",
		HostName: "Musée des Cartes et plans", HostAddress: "115 rue des Mésanges, 75011 Paris", Representative: "Mehdi Roux",
		Tutor: "Mehdi Roux", Offer: "Les coulisses d'un musée de la Ville",
		Activities:       "Préparation d'une visite guidée, rangement des réserves, rencontre avec la restauratrice.",
		StudentFirstName: "Zinedine", StudentLastName: "Kaddour", StudentClass: "3e B",
		StudentBirth: time.Date(2012, 3, 1, 0, 0, 0, 0, time.UTC), ParentName: "Samia Kaddour",
		Week: time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), Schedule: sched}
	at := time.Date(2026, 12, 14, 18, 5, 0, 0, calendar.Paris())
	signers := []Signer{
		{Signatory: domain.SignSchool, Name: "Mme Aïcha Benali"},
		{Signatory: domain.SignHost, Name: "Mehdi Roux", Signed: &Signature{At: at, Method: "SMS, code à 6 chiffres reçu au 06 xx xx xx 18",
			Proof: "num:5f2c9a", Hash: doc.Hash()}},
		{Signatory: domain.SignStudent, Name: "Zinedine Kaddour"},
		{Signatory: domain.SignParent, Name: "Samia Kaddour", Signed: &Signature{At: at.Add(time.Hour), Method: "SMS, code à 6 chiffres",
			Proof: "num:91be07", Hash: doc.Hash()}},
	}
	return doc, tmpl, signers
}

// The PDF says everything the parties sign: read back with pdftotext (poppler-utils), every party,
// the dates, each day's hours, each signature (or that it is missing) and the document's hash.
func TestPDF(t *testing.T) {
	doc, tmpl, signers := sample(t)
	made := time.Date(2026, 12, 14, 20, 0, 0, 0, calendar.Paris())
	pdf, err := PDF(doc, tmpl, signers, made)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := PDF(doc, tmpl, signers, made)
	if !bytes.Equal(pdf, again) {
		t.Error("the same agreement at the same time made two different files")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("STAGEBOT_BROWSER") == "required" {
			t.Fatal("pdftotext is not installed (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext is not installed (apt-get install poppler-utils)")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "convention.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	squeezed := strings.Join(strings.Fields(string(out)), "") // pdftotext's layout loses some spaces ("6 h" → "6h")
	for _, want := range []string{
		"Musée des Cartes et plans", "115 rue des Mésanges, 75011 Paris", "Mehdi Roux", "Collège Georges Clemenceau (UAI 0750546L)",
		"Mme Aïcha Benali", "M. Lucas Moreau", "Zinedine Kaddour", "3e B", "mars 2012", "Samia Kaddour",
		"du lundi 4 janvier 2027 au vendredi 8 janvier 2027", "lundi 4 janvier 2027 9h-12h, 13h30-16h30 6 h",
		"vendredi 8 janvier 2027 9h-12h 3 h", "Total de la semaine 27 h", "Article 6 - Horaires", "Article 10 - Durée",
		"Signé le lundi 14 décembre 2026 à 18:05 (heure de Paris), SMS, code à 6 chiffres reçu au 06 xx xx xx 18.",
		"Signé le lundi 14 décembre 2026 à 19:05", "Pas encore signé.", doc.Hash()[:40],
	} {
		if !strings.Contains(text, want) && !strings.Contains(squeezed, strings.ReplaceAll(want, " ", "")) {
			t.Errorf("the PDF does not say %q", want)
		}
	}
	if *render {
		if err := exec.Command("pdftoppm", "-png", "-r", "80", file, filepath.Join("..", "docs", "agreement", "convention")).Run(); err != nil {
			t.Fatal(err)
		}
	}
}

// The hash changes with any field the parties sign, and not otherwise.
func TestHash(t *testing.T) {
	doc, _, _ := sample(t)
	h := doc.Hash()
	if len(h) != 64 || doc.Hash() != h {
		t.Fatalf("hash %q", h)
	}
	changed := doc
	changed.Schedule[2] = nil
	if changed.Hash() == h {
		t.Error("a day's hours changed, the hash did not")
	}
	changed = doc
	changed.ParentName = "Samia K."
	if changed.Hash() == h {
		t.Error("the parent's name changed, the hash did not")
	}
}

func TestAge(t *testing.T) {
	monday := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	for birth, want := range map[string]int{"2012-03-01": 14, "2012-01-01": 15, "2011-12-01": 15, "2013-02-01": 13} {
		b, _ := time.Parse(time.DateOnly, birth)
		if got := Age(b, monday); got != want {
			t.Errorf("born %s: %d, want %d", birth, got, want)
		}
	}
}
