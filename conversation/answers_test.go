package conversation

import (
	"strings"
	"testing"
)

// Each state's good answers, and its own bad ones.
func TestAnswersByState(t *testing.T) {
	tests := []struct {
		state  State
		text   string
		want   State
		phrase string
	}{
		{ChooseLanguage, "English", AskFirstName, "first name"},
		{ChooseLanguage, "anglais", AskFirstName, "Hello!"},
		{ChooseLanguage, "2", AskFirstName, "first name"},
		{ChooseLanguage, "Français", AskFirstName, "prénom"},
		{ChooseLanguage, "allemand", ChooseLanguage, "pas compris"},

		{AskFirstName, "Marie-Ève", AskLastInitial, "Merci Marie-Ève"},
		{AskFirstName, "n'diaye", AskLastInitial, "Merci N'Diaye"},
		{AskFirstName, "  jean   pierre ", AskLastInitial, "Merci Jean Pierre"},
		{AskFirstName, "Léa2", AskFirstName, "lettres seulement"},
		{AskFirstName, "- '", AskFirstName, "lettres seulement"},
		{AskFirstName, strings.Repeat("a", 31), AskFirstName, "30 caractères"},

		{AskSchool, "0751234X", ConfirmSchool, "Collège Jean Moulin (Paris 14e)"},
		{AskSchool, "jean", PickSchool, "[Collège Jean-Baptiste Say (Paris 16e)]"},
		{AskSchool, "Collège Inconnu", AskSchool, "aucun collège pour \"Collège Inconnu\""},
		{AskSchool, "1", AskSchool, "pas compris"},

		{PickSchool, "Aucun de ceux-là", AskSchool, "[Mon collège n'est pas dans la liste]"},
		{PickSchool, "2", AskWeek, "date du lundi"},
		{PickSchool, "collège jean moulin (paris 14e)", ConfirmWeek, "lundi 11 janvier"},
		{PickSchool, "moulin", ConfirmSchool, "Collège Jean Moulin"},

		{ConfirmSchool, "non", AskSchool, "Réécris"},
		{ConfirmSchool, "Oui !", ConfirmWeek, "lundi 11 janvier"},

		{ConfirmWeek, "oui", AskBirth, "naissance"},
		{ConfirmWeek, "Non, une autre semaine", AskWeek, "date du lundi"},
		{ConfirmWeek, "18/01", AskBirth, "semaine du lundi 18 janvier"},
		{ConfirmWeek, "peut-être", ConfirmWeek, "pas compris"},

		{AskWeek, "11/01", AskBirth, "semaine du lundi 11 janvier"},
		{AskWeek, "13/1/2027", AskBirth, "semaine du lundi 11 janvier"},
		{AskWeek, "17-01-27", AskBirth, "semaine du lundi 11 janvier"},
		{AskWeek, "mercredi 13 janvier", AskBirth, "semaine du lundi 11 janvier"},
		{AskWeek, "1er février", AskBirth, "semaine du lundi 1er février"},
		{AskWeek, "01/10", AskWeek, "déjà passée"},
		{AskWeek, "01/01/2028", AskWeek, "plus d'un an"},
		{AskWeek, "31/02", AskWeek, "pas compris cette date"},
		{AskWeek, "bientôt", AskWeek, "pas compris cette date"},
		{AskWeek, "21/12", PickWeek, "pas encore d'offre ouverte pour la semaine du lundi 21 décembre"},
		{AskWeek, "08/02", PickWeek, "lundi 18 janvier (3 offres)"},

		{PickWeek, "1", AskBirth, "C'est noté : semaine du lundi 11 janvier"},
		{PickWeek, "lundi 18 janvier (3 offres)", AskBirth, "semaine du lundi 18 janvier"},
		{PickWeek, "Garder ma semaine", AskBirth, "date de naissance"},
		{PickWeek, "1er février", AskBirth, "semaine du lundi 1er février"},
		{PickWeek, "28/12", PickWeek, "semaine du lundi 28 décembre"},
		{PickWeek, "7", PickWeek, "pas compris cette date"},
		{PickWeek, "hein ?", PickWeek, "pas compris"},

		{AskBirth, "3/2012", AskParentPhone, "portable"},
		{AskBirth, "Mars 2012", AskParentPhone, "portable"},
		{AskBirth, "march 2012", AskParentPhone, "portable"},
		{AskBirth, "15/03/2012", AskParentPhone, "portable"},
		{AskBirth, "03/2000", AskBirth, "tu aurais 26 ans"},
		{AskBirth, "03/2020", AskBirth, "tu aurais 6 ans"},
		{AskBirth, "13/2012", AskBirth, "mois puis l'année"},
		{AskBirth, "ju 2012", AskBirth, "mois puis l'année"},

		{AskParentPhone, "0612345678", ConfirmSignup, "06 xx xx xx 78"},
		{AskParentPhone, "+33 6 12 34 56 78", ConfirmSignup, "06 xx xx xx 78"},
		{AskParentPhone, "06.12.34.56.78", ConfirmSignup, "06 xx xx xx 78"},
		{AskParentPhone, "01 42 76 40 40", AskParentPhone, "portable (qui commence par 06 ou 07)"},
		{AskParentPhone, "09 51 23 45 67", AskParentPhone, "portable (qui commence par 06 ou 07)"},
		{AskParentPhone, "+44 7700 900123", AskParentPhone, "portable français"},
		{AskParentPhone, "06 12", AskParentPhone, "portable français"},
		{AskParentPhone, "papa", AskParentPhone, "portable français"},
		{AskParentPhone, "06 11 11 11 11", AskParentPhone, "ton propre numéro"},

		{ConfirmSignup, "Corriger", AskFirstName, "prénom"},
		{ConfirmSignup, "1", Menu, "SMS à ton parent"},

		{Menu, "Chercher un stage", AskSearch, "Écris un mot"},
		{Menu, "3", Menu, "chercher un stage ou suivre tes candidatures"},

		{AskSearch, "jardin", Results, "Aucune offre"},
		{AskSearch, "ESS seulement", Results, "4 offres"},
		{AskSearch, "Ville de Paris seulement", Results, "3 offres"},
		{AskSearch, "par secteur", AskSector, "secteur"},
		{AskSearch, "6", Menu, "Que veux-tu faire"},
		{AskSearch, "7", AskSearch, "pas compris"},

		{AskSector, "santé", Results, "offres"},
		{AskSector, "art", PickSector, "[Artisanat]"},
		{AskSector, "zzz", AskSector, "pas de secteur"},

		{PickSector, "2", Results, "offres"},
		{PickSector, "santé", Results, "offres"},

		{AskArrondissement, "11", Results, "Aucune offre"},
		{AskArrondissement, "2e", Results, "(2e)"},
		{AskArrondissement, "3ème", Results, "(3e)"},
		{AskArrondissement, "75004", Results, "(4e)"},
		{AskArrondissement, "Paris 5", Results, "(5e)"},
		{AskArrondissement, "1er", Results, "(1er)"},
		{AskArrondissement, "21", AskArrondissement, "de 1 à 20"},
		{AskArrondissement, "0", AskArrondissement, "de 1 à 20"},
		{AskArrondissement, "Paris", AskArrondissement, "de 1 à 20"},

		{Results, "1", ViewOffer, "Guide au musée 1"},
		{Results, "Suivantes", Results, "(page 2/3)"},
		{Results, "nouvelle recherche", AskSearch, "Écris un mot"},
		{Results, "Précédentes", Results, "pas compris"},
		{Results, "musée", Results, "pas compris"},

		{ViewOffer, "Retour aux résultats", Results, "7 offres"},
		{ViewOffer, "postuler", AskMotivation, "500 caractères"},

		{AskMotivation, "J'aime la peinture.", Menu, "Candidature enregistrée"},
		{AskMotivation, "...", AskMotivation, "Écris quelques mots"},
		{AskMotivation, strings.Repeat("ab", 300), AskMotivation, "600 caractères, pour 500"},

		{MyApplications, "1", ViewApplication, "en attente de l'accord de ton parent"},
		{MyApplications, "2", Menu, "Que veux-tu faire"},

		{ViewApplication, "Retour", MyApplications, "Tes candidatures"},
		{ViewApplication, "Retirer ma candidature", ConfirmWithdraw, "vraiment"},

		{ConfirmWithdraw, "Non", ViewApplication, "Statut"},
		{ConfirmWithdraw, "Oui, retirer", MyApplications, "C'est fait"},

		{ConfirmDelete, "Non", Menu, "je garde tout"},
		{ConfirmDelete, "1", Welcome, "données sont effacées"},
	}
	for _, tc := range tests {
		t.Run(string(tc.state)+"/"+cut(tc.text, 20), func(t *testing.T) {
			d := reach(t, tc.state)
			d.send(tc.text)
			d.expect(tc.want, tc.phrase)
		})
	}
}
