package agreement

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansitalic"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"

	"stagebot/calendar"
	"stagebot/domain"
)

// The document is French: it is the legal text the parties sign.
var (
	frWeekdays = [...]string{"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}
	frMonths   = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
		"octobre", "novembre", "décembre"}
	signatoryTitles = map[domain.Signatory]string{
		domain.SignSchool: "Pour le collège, le chef d'établissement", domain.SignHost: "Pour l'organisme d'accueil",
		domain.SignStudent: "L'élève", domain.SignParent: "Le représentant légal", domain.SignParent2: "Le second représentant légal",
	}
)

// FrenchDate writes a day as "lundi 4 janvier 2027".
func FrenchDate(d time.Time) string {
	wd := (int(d.Weekday()) + 6) % 7
	day := fmt.Sprint(d.Day())
	if d.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %s %d", frWeekdays[wd], day, frMonths[d.Month()-1], d.Year())
}

// FrenchMonth writes a month as "mars 2012".
func FrenchMonth(d time.Time) string { return fmt.Sprintf("%s %d", frMonths[d.Month()-1], d.Year()) }

// Signer is a party who must sign, and their signature once given.
type Signer struct {
	Signatory domain.Signatory
	Name      string
	Signed    *Signature // nil: not yet
}

// PDF renders the agreement as an A4 PDF: the parties, the articles, the pedagogical annex with the
// schedule, and a page of signatures (who, when, how; those missing say so). Every page carries the
// document's hash. made is the time it is made at (the PDF's dates: the one clock's, so that the same
// agreement at the same time is the same file).
func PDF(doc Document, t Template, signers []Signer, made time.Time) ([]byte, error) {
	hash := doc.Hash()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("Sans", "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes("Sans", "B", liberationsansbold.TTF)
	pdf.AddUTF8FontFromBytes("Sans", "I", liberationsansitalic.TTF)
	pdf.SetCreationDate(made)
	pdf.SetModificationDate(made)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(t.Title+" - "+doc.Ref, true)
	pdf.SetCreator("stagebot", true)
	pdf.SetLang("fr-FR")
	pdf.SetMargins(18, 16, 18)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("Sans", "", 7)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 4, fmt.Sprintf("%s · modèle %s · empreinte du document (SHA-256) : %s · page %d/{nb}",
			doc.Ref, t.Version, hash, pdf.PageNo()), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	w := 174.0 // the text's width

	heading := func(s string) {
		pdf.Ln(3)
		pdf.SetFont("Sans", "B", 11)
		pdf.SetFillColor(232, 237, 245)
		pdf.CellFormat(w, 7, s, "", 1, "L", true, 0, "")
		pdf.Ln(1)
	}
	para := func(s string) {
		pdf.SetFont("Sans", "", 9.5)
		pdf.MultiCell(w, 4.6, s, "", "L", false)
	}
	field := func(label, value string) {
		if value == "" {
			value = "(à compléter)"
		}
		pdf.SetFont("Sans", "B", 9.5)
		pdf.CellFormat(52, 5, label, "", 0, "L", false, 0, "")
		pdf.SetFont("Sans", "", 9.5)
		pdf.MultiCell(w-52, 5, value, "", "L", false)
	}

	pdf.AddPage()
	pdf.SetFont("Sans", "B", 14)
	pdf.MultiCell(w, 6.5, t.Title, "", "C", false)
	pdf.SetFont("Sans", "I", 9)
	pdf.MultiCell(w, 5, t.Subtitle, "", "C", false)
	pdf.SetFont("Sans", "", 9)
	pdf.MultiCell(w, 5, "Référence "+doc.Ref+" · semaine du "+FrenchDate(doc.Week), "", "C", false)

	heading("L'organisme d'accueil")
	field("Nom", doc.HostName)
	field("Lieu du stage", doc.HostAddress)
	field("Représenté par", doc.Representative)
	field("Tuteur de l'élève", doc.Tutor)
	heading("Le collège")
	field("Nom", "Collège "+doc.SchoolName+" (UAI "+doc.SchoolUAI+")")
	field("Adresse", doc.SchoolAddress)
	field("Chef d'établissement", doc.SchoolPrincipal)
	field("Professeur référent", doc.Referent)
	heading("L'élève et ses représentants légaux")
	field("Élève", strings.TrimSpace(doc.StudentFirstName+" "+doc.StudentLastName))
	field("Classe", doc.StudentClass)
	field("Né(e) en", FrenchMonth(doc.StudentBirth))
	field("Représentant légal", doc.ParentName)
	if doc.Parent2Name != "" {
		field("Second représentant légal", doc.Parent2Name)
	}

	heading("Convention")
	para(t.Preamble)
	for _, a := range t.Articles {
		pdf.Ln(1.5)
		pdf.SetFont("Sans", "B", 9.5)
		pdf.MultiCell(w, 5, a.Title, "", "L", false)
		para(a.Text)
	}

	heading("Annexe pédagogique")
	friday := doc.Week.AddDate(0, 0, 4)
	field("Dates", "du "+FrenchDate(doc.Week)+" au "+FrenchDate(friday))
	field("Découverte proposée", doc.Offer)
	field("Activités prévues", doc.Activities)
	pdf.Ln(2)
	pdf.SetFont("Sans", "B", 9.5)
	pdf.CellFormat(60, 6, "Jour", "1", 0, "L", false, 0, "")
	pdf.CellFormat(84, 6, "Horaires de présence", "1", 0, "L", false, 0, "")
	pdf.CellFormat(30, 6, "Durée", "1", 1, "R", false, 0, "")
	pdf.SetFont("Sans", "", 9.5)
	for d := range Days {
		hours, length := Day(doc.Schedule, d), Duration(doc.Schedule.DayMinutes(d))
		if hours == "" {
			hours, length = "pas de présence", "-"
		}
		pdf.CellFormat(60, 6, FrenchDate(doc.Week.AddDate(0, 0, d)), "1", 0, "L", false, 0, "")
		pdf.CellFormat(84, 6, hours, "1", 0, "L", false, 0, "")
		pdf.CellFormat(30, 6, length, "1", 1, "R", false, 0, "")
	}
	pdf.SetFont("Sans", "B", 9.5)
	pdf.CellFormat(144, 6, "Total de la semaine", "1", 0, "L", false, 0, "")
	pdf.CellFormat(30, 6, Duration(doc.Schedule.Minutes()), "1", 1, "R", false, 0, "")

	pdf.AddPage()
	heading("Signatures")
	para(t.Closing)
	pdf.Ln(2)
	for _, s := range signers {
		pdf.SetFont("Sans", "B", 10)
		pdf.MultiCell(w, 5.5, signatoryTitles[s.Signatory]+" : "+s.Name, "T", "L", false)
		pdf.SetFont("Sans", "", 9.5)
		if s.Signed == nil {
			pdf.MultiCell(w, 5, "Pas encore signé.", "", "L", false)
		} else {
			at := s.Signed.At.In(calendar.Paris())
			pdf.MultiCell(w, 5, fmt.Sprintf("Signé le %s à %s (heure de Paris), %s.", FrenchDate(at), at.Format("15:04"),
				s.Signed.Method), "", "L", false)
			pdf.SetFont("Sans", "", 7.5)
			pdf.MultiCell(w, 4, "Preuve : "+s.Signed.Proof+" · document signé : "+s.Signed.Hash, "", "L", false)
		}
		pdf.Ln(2)
	}
	pdf.SetFont("Sans", "I", 8.5)
	pdf.MultiCell(w, 4.5, "Document produit par stagebot (Ville de Paris) le "+FrenchDate(made.In(calendar.Paris()))+
		" à "+made.In(calendar.Paris()).Format("15:04")+". L'empreinte SHA-256 ci-dessous identifie le contenu signé : "+
		"toute modification la change.", "", "L", false)

	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("agreement %s: pdf: %w", doc.Ref, err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("agreement %s: pdf: %w", doc.Ref, err)
	}
	return buf.Bytes(), nil
}
