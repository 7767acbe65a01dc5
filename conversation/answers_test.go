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
		{ChooseLanguage, "anglais", AskFirstName, "first name"},
		{ChooseLanguage, "2", AskFirstName, "first name"},
		{ChooseLanguage, "Français", AskFirstName, "prénom"},
		{ChooseLanguage, "allemand", ChooseLanguage, "pas compris"},

		{AskFirstName, "Marie-Ève", AskLastInitial, "Merci Marie-Ève"},
		{AskFirstName, "n'diaye", AskLastInitial, "Merci N'Diaye"},
		{AskFirstName, "  jean   pierre ", ConfirmFirstName, "Ton prénom, c'est bien Jean Pierre ?"},
		{AskFirstName, "je m'appelle Karim", AskLastInitial, "Merci Karim !"},
		{AskFirstName, "je m appelle karim", AskLastInitial, "Merci Karim !"},
		{AskFirstName, "Bonjour, moi c'est Inès !", AskLastInitial, "Merci Inès !"},
		{AskFirstName, "Mon prénom : Yanis", AskLastInitial, "Merci Yanis !"},
		{AskFirstName, "my name is Sam", AskLastInitial, "Merci Sam !"},
		{AskFirstName, "je m'appelle Karim Benali", ConfirmFirstName, "c'est bien Karim Benali ?"},
		{AskFirstName, "K", ConfirmFirstName, "c'est bien K ?"},
		{AskFirstName, "stage", AskFirstName, "avec des lettres"},
		{AskFirstName, "Oui", AskFirstName, "avec des lettres"},
		{AskFirstName, "bonjour", AskFirstName, "avec des lettres"},
		{AskFirstName, "je m'appelle", AskFirstName, "avec des lettres"},
		{ConfirmFirstName, "Non, je corrige", AskFirstName, "Écris juste ton prénom"},
		{ConfirmFirstName, "oui", AskLastInitial, "Merci Marie Claire !"},
		{ConfirmFirstName, "Marie", AskLastInitial, "Merci Marie !"},
		{AskFirstName, "EN", AskFirstName, "What's your first name?"},
		{AskFirstName, "Léa2", AskFirstName, "avec des lettres"},
		{AskFirstName, "- '", AskFirstName, "avec des lettres"},
		{AskFirstName, strings.Repeat("a", 31), AskFirstName, "30 caractères"},

		{AskSchool, "0751234X", ConfirmSchool, "Collège Jean Moulin (Paris 14e), stage la semaine du lundi 11 janvier"},
		{AskSchool, "jean", PickSchool, "[Collège Jean-Baptiste Say (Paris 16e)]"},
		{AskSchool, "Collège Inconnu", AskSchool, "aucun collège pour \"Collège Inconnu\""},
		{AskSchool, "1", AskSchool, "pas compris"},

		{PickSchool, "Aucun de ceux-là", AskSchool, "[Mon collège n'est pas dans la liste]"},
		{PickSchool, "2", AskWeek, "date du lundi"},
		{PickSchool, "collège jean moulin (paris 14e)", ConfirmWeek, "lundi 11 janvier"},
		{PickSchool, "moulin", ConfirmSchool, "Collège Jean Moulin"},

		{ConfirmSchool, "non", AskSchool, "Réécris"},
		{ConfirmSchool, "Autre collège", AskSchool, "Réécris"},
		{ConfirmSchool, "Oui !", AskBirth, "naissance"},
		{ConfirmSchool, "18/01", AskBirth, "semaine du lundi 18 janvier"},
		{ConfirmSchool, "2", AskWeek, "date du lundi"},
		{ConfirmSchool, "3", AskSchool, "Réécris"},

		{ConfirmWeek, "oui", AskBirth, "naissance"},
		{ConfirmWeek, "Autre semaine", AskWeek, "date du lundi"},
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
		{AskWeek, "21/12", PickWeek, "La semaine du lundi 21 décembre, ce sont les vacances de Noël : pas de stage pendant les vacances. Choisis ta semaine de stage : [lundi 11 janvier (ton collège, 7 offres)] [lundi 18 janvier (3 offres)] [lundi 1er février (1 offre)]"},
		{AskWeek, "08/02", PickWeek, "La semaine du lundi 8 février n'est pas une semaine de stage cette année. Choisis ta semaine de stage : [lundi 11 janvier (ton collège, 7 offres)]"},

		{PickWeek, "1", AskBirth, "C'est noté : semaine du lundi 11 janvier"},
		{PickWeek, "lundi 18 janvier (3 offres)", AskBirth, "semaine du lundi 18 janvier"},
		{PickWeek, "Garder ma semaine", PickWeek, "pas compris"}, // a holiday week cannot be kept
		{PickWeek, "1er février", AskBirth, "semaine du lundi 1er février"},
		{PickWeek, "28/12", PickWeek, "semaine du lundi 28 décembre"},
		{PickWeek, "7", PickWeek, "pas compris cette date"},
		{PickWeek, "hein ?", PickWeek, "pas compris"},

		{AskBirth, "3/2012", AskParentPhone, "portable"},
		{AskBirth, "12/2013", AskParentPhone, "Tu auras moins de 14 ans à ton stage"},
		{AskBirth, "Mars 2012", AskParentPhone, "portable"},
		{AskBirth, "march 2012", AskParentPhone, "portable"},
		{AskBirth, "15/03/2012", AskParentPhone, "portable"},
		{AskBirth, "03/2000", AskBirth, "tu aurais 26 ans"},
		{AskBirth, "03/2020", AskBirth, "tu aurais 6 ans"},
		{AskBirth, "13/2012", AskBirth, "mois puis l'année"},
		{AskBirth, "ju 2012", AskBirth, "mois puis l'année"},

		{AskParentPhone, "0612345678", AskParentLanguage, "Dans quelle langue"},
		{AskParentPhone, "+33 6 12 34 56 78", AskParentLanguage, "[Arabe]"},
		{AskParentPhone, "06.12.34.56.78", AskParentLanguage, "[Français]"},
		{AskParentPhone, "01 42 76 40 40", AskParentPhone, "portable (qui commence par 06 ou 07)"},
		{AskParentPhone, "09 51 23 45 67", AskParentPhone, "portable (qui commence par 06 ou 07)"},
		{AskParentPhone, "+44 7700 900123", AskParentPhone, "portable français"},
		{AskParentPhone, "06 12", AskParentPhone, "portable français"},
		{AskParentPhone, "papa", AskParentPhone, "portable français"},
		{AskParentPhone, "06 11 11 11 11", AskParentPhone, "ton propre numéro"},

		{AskParentLanguage, "1", ConfirmSignup, "06 xx xx xx 78 (Français)"},
		{AskParentLanguage, "arabe", ConfirmSignup, "06 xx xx xx 78 (Arabe)"},
		{AskParentLanguage, "6", ConfirmSignup, "(Espagnol)"},
		{AskParentLanguage, "klingon", AskParentLanguage, "pas compris"},

		{ConfirmSignup, "Corriger", PickCorrection, "Que veux-tu corriger ?"},
		{ConfirmSignup, "1", Menu, "accord de ton parent par SMS"},

		{PickCorrection, "Collège", AskSchool, "Ton collège ?"},
		{PickCorrection, "Date de naissance", AskBirth, "naissance"},
		{PickCorrection, "Semaine de stage", ConfirmWeek, "lundi 11 janvier"},
		{PickCorrection, "Rien, c'est bon", ConfirmSignup, "Je récapitule"},
		{PickCorrection, "la couleur", PickCorrection, "pas compris"},

		{Menu, "Chercher un stage", AskSearch, "Écris un mot"},
		{Menu, "Aide", Menu, "tu cherches un stage"},
		{Menu, "Mon profil", ViewProfile, "Ton profil"},
		{Menu, "musée", Results, "7 offres (musée)"},
		{Menu, "5", Menu, "pas compris"},

		{ViewProfile, "Changer de semaine", AskWeek, "date du lundi"},
		{ViewProfile, "Changer de collège", AskSchool, "Ton collège ?"},
		{ViewProfile, "Numéro du parent", AskParentPhone, "portable"},

		{AskSearch, "jardin", Results, "Rien pour jardin"},
		{AskSearch, "ESS", Results, "4 offres (ESS)"},
		{AskSearch, "Ville de Paris", Results, "3 offres (Ville de Paris)"},
		{AskSearch, "par secteur", PickFamily, "Choisis un domaine"},
		{AskSearch, "0", Menu, "Que veux-tu faire"},
		{AskSearch, "6", AskSearch, "pas compris"},

		{PickFamily, "1", PickSector, "Arts, culture : quel secteur ?"},
		{PickFamily, "Santé, social", Results, "(Santé)"},
		{PickFamily, "musée", Results, "7 offres (musée)"},

		{PickSector, "2", Results, "(Artisanat)"},
		{PickSector, "Autres domaines", PickFamily, "Choisis un domaine"},
		{PickSector, "santé", Results, "Rien pour santé"},

		{AskArrondissement, "11", Results, "Rien pour 11e"},
		{AskArrondissement, "2e", Results, "(2e)"},
		{AskArrondissement, "3ème", Results, "(3e)"},
		{AskArrondissement, "75004", Results, "(4e)"},
		{AskArrondissement, "Paris 5", Results, "(5e)"},
		{AskArrondissement, "1er", Results, "(1er)"},
		{AskArrondissement, "21", AskArrondissement, "de 1 à 20"},
		{AskArrondissement, "0", Menu, "Que veux-tu faire"},

		{Results, "1", ViewOffer, "Guide au musée 1"},
		{Results, "Plus", Results, "Offres 4 à 6 sur 7"},
		{Results, "nouvelle recherche", AskSearch, "Écris un mot"},
		{Results, "Précédentes", Results, "Rien pour Précédentes"},
		{Results, "musée 3e", Results, "1 offre (musée, 3e)"},

		{ViewOffer, "Retour", Results, "7 offres"},
		{ViewOffer, "Détails", ViewOffer, "Adresse : 1 rue des Archives"},
		{ViewOffer, "postuler", AskMotivation, "500 signes"},

		{AskMotivation, "J'aime la peinture.", Menu, "C'est noté !"},
		{AskMotivation, "...", AskMotivation, "Écris quelques mots"},
		{AskMotivation, "merci", AskMotivation, "Écris quelques mots"},
		{AskMotivation, "oui", AskMotivation, "Écris quelques mots"},
		{AskMotivation, strings.Repeat("ab", 300), AskMotivation, "600 caractères, pour 500"},

		{MyApplications, "1", ViewApplication, "en attente de l'accord de ton parent"},
		{MyApplications, "0", Menu, "Que veux-tu faire"},

		{ViewApplication, "Retour", MyApplications, "Tes candidatures"},
		{ViewApplication, "Retirer ma candidature", ConfirmWithdraw, "vraiment"},

		{ConfirmWithdraw, "Non", ViewApplication, "Statut"},
		{ConfirmWithdraw, "Oui, retirer", MyApplications, "C'est fait"},

		{AnswerHost, "Le lundi, ça me va.", Menu, "Transmis à Musée."},
		{AnswerHost, "merci !", ConfirmAnswer, "Envoyer \"merci !\" à Musée ?"},
		{AnswerHost, "2", ConfirmAnswer, "Envoyer \"2\" à Musée ?"},

		{ConfirmAnswer, "Oui, envoyer", Menu, "Transmis à Musée."},
		{ConfirmAnswer, "Non", Menu, "rien n'est envoyé"},

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
