package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Class lists as collèges' systems and spreadsheets save them: each separator, each encoding, the
// columns in any order under their French or English names, and the bad lines reported by number.
func TestParseRoster(t *testing.T) {
	utf16 := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cp1252 := func(s string) []byte {
		b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name     string
		raw      []byte
		want     []string // "class|last|first|2012-03" per line kept
		problems []string // "line:reason"
		err      error
	}{
		{name: "semicolons, UTF-8", raw: []byte("Classe;Nom;Prénom;Date de naissance\n3e A;Dupont;Élise;14/05/2012\n"),
			want: []string{"3e A|Dupont|Élise|2012-05"}},
		{name: "UTF-8 with its byte order mark, CRLF", raw: []byte("\xEF\xBB\xBFDivision;Nom;Prénom\r\n3e B;Ngata;Joël\r\n"),
			want: []string{"3e B|Ngata|Joël|"}},
		{name: "commas, columns in another order, English", raw: []byte("First name,Last name,Class,Birth date\nAmir,Haddad,3e C,2012-09-30\n"),
			want: []string{"3e C|Haddad|Amir|2012-09"}},
		{name: "tabs, month and year only", raw: []byte("NOM\tPRENOM\tCLASSE\tNé(e) le\nLi\tMei\t3e D\t03/2012\n"),
			want: []string{"3e D|Li|Mei|2012-03"}},
		{name: "Windows-1252", raw: cp1252("Classe;Nom;Prénom\n3e A;Lefèvre;Chloé\n"),
			want: []string{"3e A|Lefèvre|Chloé|"}},
		{name: "UTF-16", raw: utf16("Classe\tNom\tPrénom\n3e A\tÇelik\tZeynep\n"),
			want: []string{"3e A|Çelik|Zeynep|"}},
		{name: "quotes, spaces and blank lines", raw: []byte("Classe;Nom;Prénom\n\"3e  A\";\" De La Tour \";\"Anne-Sophie\"\n;;\n\n"),
			want: []string{"3e A|De La Tour|Anne-Sophie|"}},
		{name: "bad lines reported, the others kept",
			raw: []byte("Classe;Nom;Prénom;Naissance\n3e A;;Karim;02/03/2012\n3e A;Martin;Jules;31/13/2012\n3e A;Roy;Léo;hier\n" +
				"3e A;" + strings.Repeat("x", 81) + ";Eva;\n3e A;Sy;Awa;\n"),
			want:     []string{"3e A|Sy|Awa|"},
			problems: []string{"2:web_roster_missing", "3:web_roster_bad_date", "4:web_roster_bad_date", "5:web_roster_too_long"}},
		{name: "no first name column", raw: []byte("Classe;Nom\n3e A;Dupont\n"), err: errRosterHeader},
		{name: "empty file", raw: nil, err: errRosterHeader},
		{name: "a photo", raw: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), err: errRosterHeader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, problems, err := parseRoster(tc.raw)
			if err != tc.err {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			var got []string
			for _, l := range lines {
				birth := ""
				if l.BirthMonth != nil {
					birth = l.BirthMonth.Format("2006-01")
				}
				got = append(got, l.Class+"|"+l.LastName+"|"+l.FirstName+"|"+birth)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			var gotProblems []string
			for _, p := range problems {
				gotProblems = append(gotProblems, strconv.Itoa(p.Line)+":"+p.Reason)
			}
			if strings.Join(gotProblems, " ") != strings.Join(tc.problems, " ") {
				t.Errorf("problems %v, want %v", gotProblems, tc.problems)
			}
		})
	}
}

// A list longer than a whole collège stops at maxRosterLines, and says so.
func TestParseRosterTooLong(t *testing.T) {
	var b strings.Builder
	b.WriteString("Classe;Nom;Prénom\n")
	for range maxRosterLines + 10 {
		b.WriteString("3e A;Dupont;Élise\n")
	}
	lines, problems, err := parseRoster([]byte(b.String()))
	if err != nil || len(lines) != maxRosterLines || len(problems) != 1 || problems[0].Reason != "web_roster_too_many" {
		t.Errorf("%d lines, problems %v, %v", len(lines), problems, err)
	}
}

func TestBirthMonth(t *testing.T) {
	for in, want := range map[string]string{
		"15/03/2012": "2012-03", "2012-03-15": "2012-03", "03/2012": "2012-03", "15.03.12": "2012-03",
		"31/13/2012": "", "32/01/2012": "", "00/01/2012": "", "hier": "", "15/03": "", "1/1/1850": "",
	} {
		m, ok := birthMonth(in)
		got := ""
		if ok {
			got = m.Format("2006-01")
		}
		if got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
		if ok && (m.Day() != 1 || m.Location() != time.UTC) {
			t.Errorf("%q: %v is not the first of the month", in, m)
		}
	}
}
