package twilio

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"

	"stagebot/bot/render"
	"stagebot/bot/twilio/twiliotest"
	"stagebot/domain"
)

func TestSendOK(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(*Config)
		transport func(*Adapter) Sender
		want      twiliotest.Message
	}{
		{"sms from a number", nil, (*Adapter).SMS,
			twiliotest.Message{To: student, From: testFrom, StatusCallback: testPublic + "/webhooks/twilio/status"}},
		{"sms through a messaging service", func(c *Config) { c.From, c.MessagingServiceSID = "", "MG0123456789abcdef" },
			(*Adapter).SMS, twiliotest.Message{To: student, MessagingServiceSID: "MG0123456789abcdef",
				StatusCallback: testPublic + "/webhooks/twilio/status"}},
		{"whatsapp, no public URL", func(c *Config) { c.PublicURL, c.WhatsAppFrom = "", "whatsapp:+33757000001" },
			(*Adapter).WhatsApp, twiliotest.Message{To: "whatsapp:" + student, From: "whatsapp:+33757000001"}},
		{"public URL with a trailing slash", func(c *Config) { c.PublicURL = testPublic + "/" }, (*Adapter).SMS,
			twiliotest.Message{To: student, From: testFrom, StatusCallback: testPublic + "/webhooks/twilio/status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.edit)
			sid, err := tt.transport(e.a).Send(context.Background(), student, domain.Part{Text: "Bonjour Léa !"})
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`^SM[0-9a-f]{32}$`).MatchString(sid) {
				t.Errorf("SID %q", sid)
			}
			sent := e.fake.Sent()
			if len(sent) != 1 {
				t.Fatalf("%d messages sent", len(sent))
			}
			got := sent[0]
			tt.want.SID, tt.want.Body, tt.want.At = sid, "Bonjour Léa !", got.At
			if got != tt.want {
				t.Errorf("sent %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestSendFailures(t *testing.T) {
	tests := []struct {
		failure                twiliotest.Failure
		code                   string
		permanent, unreachable bool
		retryAfter             time.Duration
	}{
		{twiliotest.Unsubscribed, "twilio:21610", true, true, 0},
		{twiliotest.InvalidNumber, "twilio:21211", true, true, 0},
		{twiliotest.NotMobile, "twilio:21614", true, true, 0},
		{twiliotest.TooManyRequests, "twilio:20429", false, false, time.Second},
		{twiliotest.ServerErrorHTML, "twilio:transient", false, false, 0},
	}
	e := newEnv(t, nil)
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			e.fake.FailNext(1, tt.failure)
			_, err := e.a.SMS().Send(context.Background(), student, domain.Part{Text: "Bonjour"})
			var se *domain.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want *domain.SendError", err, err)
			}
			if se.Code != tt.code || se.Permanent != tt.permanent || se.Unreachable != tt.unreachable ||
				se.RetryAfter != tt.retryAfter {
				t.Errorf("got %+v", se)
			}
		})
	}
	if n := len(e.fake.Sent()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

func TestSendWithWrongTokenIsTransient(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.AuthToken = "wrong0token" })
	_, err := e.a.SMS().Send(context.Background(), student, domain.Part{Text: "Bonjour"})
	var se *domain.SendError
	if !errors.As(err, &se) || se.Code != "twilio:20003" || se.Permanent || se.Unreachable {
		t.Errorf("error %v, want transient twilio:20003", err)
	}
}

func TestClassify(t *testing.T) {
	rest := func(status, code int) error { return &client.TwilioRestError{Status: status, Code: code} }
	tests := []struct {
		name                   string
		err                    error
		code                   string
		permanent, unreachable bool
		retryAfter             time.Duration
	}{
		{"unsubscribed", rest(400, 21610), "twilio:21610", true, true, 0},
		{"invalid number", rest(400, 21211), "twilio:21211", true, true, 0},
		{"not a mobile", rest(400, 21614), "twilio:21614", true, true, 0},
		{"rate limited", rest(429, 20429), "twilio:20429", false, false, time.Second},
		{"429 without code", rest(429, 0), "twilio:http429", false, false, time.Second},
		{"region not enabled", rest(400, 21408), "twilio:21408", true, false, 0},
		{"bad credentials", rest(401, 20003), "twilio:20003", false, false, 0},
		{"server error", rest(500, 20500), "twilio:20500", false, false, 0},
		{"network", errors.New("connection refused"), "twilio:transient", false, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var se *domain.SendError
			if !errors.As(classify(tt.err), &se) {
				t.Fatal("not a SendError")
			}
			if se.Code != tt.code || se.Permanent != tt.permanent || se.Unreachable != tt.unreachable ||
				se.RetryAfter != tt.retryAfter || !errors.Is(se, tt.err) {
				t.Errorf("got %+v", se)
			}
		})
	}
}

// A cancelled context stops a send before it starts, and a call in flight when it is cancelled.
func TestSendHonoursContext(t *testing.T) {
	e := newEnv(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.a.SMS().Send(ctx, student, domain.Part{Text: "Bonjour"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: err = %v", err)
	}
	if n := len(e.fake.Sent()); n != 0 {
		t.Errorf("%d messages sent", n)
	}

	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	slow := newEnv(t, func(c *Config) { c.APIBaseURL = hang.URL })
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := slow.a.SMS().Send(ctx, student, domain.Part{Text: "Bonjour"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("in flight: err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("send took %v after its context ended", d)
	}

	timeout := newEnv(t, func(c *Config) { c.APIBaseURL, c.Timeout = hang.URL, 100*time.Millisecond })
	if _, err := timeout.a.SMS().Send(context.Background(), student, domain.Part{Text: "Bonjour"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: err = %v", err)
	}
}

// A long French reply is folded to GSM-7 and cut into SMS of at most MaxSegments segments each,
// which all reach Twilio, in order, with nothing lost.
func TestLongFrenchReplyIsSplit(t *testing.T) {
	e := newEnv(t, nil)
	reply := domain.Reply{
		Text: strings.Repeat("Voici une offre de stage à la boulangerie « Au Pain Doré » du 11e arrondissement : "+
			"tu découvriras la fabrication du pain, l’accueil des clients et la gestion des commandes. ", 8),
		Choices: []domain.Choice{{Key: "apply", Label: "Postuler à cette offre"},
			{Key: "next", Label: "Voir l’offre suivante"}, {Key: "menu", Label: "Revenir au menu"}},
	}
	sms := e.a.SMS()
	parts := e.renderer.WithSMSSegments(2).Parts(domain.SMS, "fr", reply)
	if len(parts) < 2 {
		t.Fatalf("%d parts, want several", len(parts))
	}
	var texts []string
	for i, p := range parts {
		enc, n := render.SMSSegments(p.Text)
		if n > 2 || enc != render.GSM7 {
			t.Errorf("part %d: %d segments %s: %q", i, n, enc, p.Text)
		}
		if _, err := sms.Send(context.Background(), student, p); err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		texts = append(texts, p.Text)
	}
	whole := e.renderer.SMS("fr", reply)
	if got, want := strings.Fields(strings.Join(texts, " ")), strings.Fields(whole); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("parts lose text:\n%q\nwant\n%q", got, want)
	}
	sent := e.fake.Sent()
	if len(sent) != len(parts) {
		t.Fatalf("%d sent, want %d", len(sent), len(parts))
	}
	for i := range sent {
		if sent[i].Body != parts[i].Text {
			t.Errorf("sent %d out of order", i)
		}
	}
}

func TestWhatsAppParts(t *testing.T) {
	e := newEnv(t, nil)
	if e.a.WhatsApp() == nil {
		t.Fatal("no WhatsApp transport")
	}
	text := strings.Repeat("Le stage se déroule du lundi au vendredi, de 9 h à 16 h 30 🥐.\n", 60)
	parts := e.renderer.Parts(domain.WhatsApp, "fr", domain.Reply{Text: text})
	if len(parts) < 2 {
		t.Fatalf("%d parts", len(parts))
	}
	for i, p := range parts {
		if n := utf16Units(p.Text); n > render.WhatsAppBodyLimit {
			t.Errorf("part %d: %d units", i, n)
		}
		if !strings.HasSuffix(strings.TrimSpace(p.Text), ".") {
			t.Errorf("part %d not cut at a line break: ends %q", i, p.Text[len(p.Text)-10:])
		}
		if _, err := e.a.WhatsApp().Send(context.Background(), student, p); err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
	}
	if got := strings.Join(strings.Fields(strings.Join(texts(parts), " ")), " "); got != strings.Join(strings.Fields(text), " ") {
		t.Error("parts lose text")
	}
	noWA := newEnv(t, func(c *Config) { c.WhatsAppFrom = "" })
	if noWA.a.WhatsApp() != nil {
		t.Error("WhatsApp transport without a WhatsApp sender")
	}
	if got := noWA.a.SMS().Channel(); got != domain.SMS {
		t.Errorf("SMS channel %q", got)
	}
}

func TestSplitLimit(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"empty", "", 10, nil},
		{"fits", "un deux", 10, []string{"un deux"}},
		{"at a space", "un deux trois quatre", 10, []string{"un deux", "trois", "quatre"}},
		{"at a line break in the second half", "abcdef\nghi jkl", 10, []string{"abcdef", "ghi jkl"}},
		{"long word", "abcdefghijklmnop", 10, []string{"abcdefghij", "klmnop"}},
		{"emoji count twice", "😀😀😀😀😀😀", 4, []string{"😀😀", "😀😀", "😀😀"}},
		{"no whitespace-only parts", "abc          def", 4, []string{"abc", "def"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render.SplitUTF16(tt.text, tt.limit)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func texts(parts []domain.Part) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = p.Text
	}
	return out
}

func utf16Units(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
