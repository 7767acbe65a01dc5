package conversation

import (
	"slices"
	"strings"
)

// The words every conversation understands the same way, whoever writes: the ways people ask to
// stop, and say yes or no, in each language stagebot writes in. The student's, the parent's and the
// host's machines all read them here (the README's table lists them, and a test keeps it true).

// Vocabulary is what one language says for stop, yes and no, folded (lower case, no accents).
type Vocabulary struct {
	Lang string
	Stop []string // a message starting with one of these, followed only by polite words, stops everything
	Yes  []string
	No   []string
}

// Vocabularies lists the words understood, language by language, in the order the languages are
// offered. Every language's words work whatever the person's language: a parent written to in
// French who answers "sim" says yes.
func Vocabularies() []Vocabulary {
	return []Vocabulary{
		{Lang: "fr",
			Stop: []string{"stop", "stopp", "stoppe", "stopper", "arret", "arrete", "arreter", "arretez", "arretes",
				"desabonner", "desinscrire", "desinscription"},
			Yes: []string{"oui", "ouais", "ouai", "o", "ok", "okay", "d'accord", "dac", "daccord", "bien sur", "oui merci", "ok merci"},
			No:  []string{"non", "nan", "n", "non merci"}},
		{Lang: "en",
			Stop: []string{"stopall", "unsubscribe", "cancel", "end", "quit"},
			Yes:  []string{"yes", "y", "yep", "yeah", "sure", "agreed", "yes please"},
			No:   []string{"no", "nope", "no thanks"}},
		{Lang: "ar",
			Stop: []string{"توقف", "قف", "ايقاف", "إيقاف"},
			Yes:  []string{"نعم", "موافق", "موافقة", "اوافق", "أوافق", "ايوه"},
			No:   []string{"لا"}},
		{Lang: "zh",
			Stop: []string{"停止", "退订", "取消订阅"},
			Yes:  []string{"是", "是的", "好", "好的", "可以", "同意", "行"},
			No:   []string{"不", "否", "不是", "不同意", "不要", "不行"}},
		{Lang: "pt",
			Stop: []string{"parar", "pare", "cancelar"},
			Yes:  []string{"sim", "claro", "concordo"},
			No:   []string{"nao", "nao obrigado"}},
		{Lang: "es",
			Stop: []string{"detener", "baja", "alto"},
			Yes:  []string{"si", "vale", "de acuerdo", "claro que si"},
			No:   []string{"no gracias"}},
	}
}

// politeWords may follow a stop word without making the message anything else: "stop svp", "arrête
// de m'écrire", "STOP merci", "stop les messages".
var politeWords = []string{"svp", "stp", "s'il", "s'il-vous-plait", "s'il-te-plait", "vous", "te", "plait", "merci",
	"please", "pls", "plz", "thanks", "thank", "you", "de", "d'", "m'ecrire", "m'envoyer", "me", "m'", "moi",
	"ecrire", "envoyer", "les", "des", "vos", "tes", "ces", "messages", "message", "sms", "textos", "texto",
	"tout", "tous", "all", "now", "maintenant", "bot", "stagebot", "texting", "messaging", "writing", "me",
	"por", "favor", "obrigado", "obrigada", "gracias", "mensagens", "mensajes", "شكرا", "谢谢", "请", "!", "?",
	"ca", "cela", "ici", "la", "deja", "!!", "svp!", "a"}

// stopPhrases are whole messages that ask to stop without a stop word first.
var stopPhrases = []string{"ne m'ecris plus", "ne m'ecrivez plus", "ne m'envoie plus rien", "ne m'envoyez plus rien",
	"je ne veux plus de messages", "je veux plus de messages", "je ne veux plus recevoir de messages",
	"plus de messages", "laisse-moi tranquille", "laissez-moi tranquille", "don't text me", "dont text me",
	"stop texting me", "no more messages", "no more texts", "leave me alone"}

// tokens folds text and splits it into words, keeping apostrophes and hyphens inside a word and
// scripts without spaces (Chinese) as they are: "Arrête de m'écrire !" → arrete, de, m'ecrire.
func tokens(text string) []string {
	return strings.Fields(strings.NewReplacer(",", " ", ".", " ", "!", " ", "?", " ", ";", " ", ":", " ",
		"，", " ", "。", " ", "、", " ", "！", " ", "？", " ", "؟", " ", "،", " ").Replace(bareWord(text)))
}

// isStop reports whether a message asks to stop receiving anything, in any of the languages: a stop
// word first and only polite words after it ("stop svp", "Arrête de m'écrire", "STOPP"), or a
// sentence that says so ("ne m'écris plus").
func isStop(text string) bool {
	words := tokens(text)
	if len(words) == 0 {
		return false
	}
	if slices.Contains(stopPhrases, strings.Join(words, " ")) {
		return true
	}
	if !isStopWord(words[0]) {
		return false
	}
	for _, w := range words[1:] {
		if !isStopWord(w) && !slices.Contains(politeWords, w) {
			return false
		}
	}
	return len(words) <= 8
}

func isStopWord(w string) bool {
	for _, v := range Vocabularies() {
		if slices.Contains(v.Stop, w) {
			return true
		}
	}
	return false
}

// yesOrNo reads a whole message as a yes or a no in any language: "Oui !", "好的", "sim", "de
// acuerdo". It answers 0 when the message is neither (or both).
func yesOrNo(text string) int {
	said := strings.Join(tokens(text), " ")
	if said == "" {
		return 0
	}
	yes, no := false, false
	for _, v := range Vocabularies() {
		yes = yes || slices.Contains(v.Yes, said)
		no = no || slices.Contains(v.No, said)
	}
	switch {
	case yes && !no:
		return 1
	case no && !yes:
		return -1
	}
	return 0
}

// firstYesOrNo reads the first words of a message as a yes or a no (the rest may name a child:
// "OUI Léa", "sim Ana"); n is how many words the answer took.
func firstYesOrNo(words []string) (answer, n int) {
	for k := min(len(words), 3); k >= 1; k-- {
		if a := yesOrNo(strings.Join(words[:k], " ")); a != 0 {
			return a, k
		}
	}
	return 0, 0
}

func isYes(word string) bool { return yesOrNo(word) > 0 }

func isNo(word string) bool { return yesOrNo(word) < 0 }
