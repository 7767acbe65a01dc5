package twiliotest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"stagebot/bot/twilio/twiliotest"
)

const (
	sid   = "AC0123456789abcdef0123456789abcdef"
	token = "0123456789abcdef0123456789abcdef"
)

// post sends a create-message request the way twilio-go does.
func post(t *testing.T, s *twiliotest.Server, user, password string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/2010-04-01/Accounts/"+sid+"/Messages.json",
		strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(user, password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
	}
	return resp.StatusCode, body
}

func message(to, body string) url.Values {
	return url.Values{"To": {to}, "From": {"+33757000000"}, "Body": {body},
		"StatusCallback": {"https://stagebot.example.org/webhooks/twilio/status"}}
}

func TestServerAcceptsAndRecords(t *testing.T) {
	s := twiliotest.NewServer(t, sid, token)
	code, body := post(t, s, sid, token, message("+33612345678", "Bonjour"))
	if code != http.StatusCreated {
		t.Fatalf("status %d, body %v", code, body)
	}
	if !regexp.MustCompile(`^SM[0-9a-f]{32}$`).MatchString(fmt.Sprint(body["sid"])) {
		t.Errorf("sid %v", body["sid"])
	}
	for k, want := range map[string]any{"status": "queued", "to": "+33612345678", "from": "+33757000000",
		"body": "Bonjour", "num_segments": "1", "account_sid": sid, "direction": "outbound-api"} {
		if body[k] != want {
			t.Errorf("%s = %v, want %v", k, body[k], want)
		}
	}
	sent := s.Sent()
	if len(sent) != 1 {
		t.Fatalf("%d messages recorded", len(sent))
	}
	m := sent[0]
	if m.SID != body["sid"] || m.To != "+33612345678" || m.Body != "Bonjour" ||
		m.StatusCallback != "https://stagebot.example.org/webhooks/twilio/status" || m.At.IsZero() {
		t.Errorf("recorded %+v", m)
	}
}

func TestServerRefuses(t *testing.T) {
	tests := []struct {
		name       string
		user, pass string
		form       url.Values
		wantStatus int
		wantCode   float64
	}{
		{"wrong token", sid, "nope", message("+33612345678", "x"), 401, 20003},
		{"no To", sid, token, url.Values{"From": {"+33757000000"}, "Body": {"x"}}, 400, 21604},
		{"no sender", sid, token, url.Values{"To": {"+33612345678"}, "Body": {"x"}}, 400, 21603},
		{"no body", sid, token, url.Values{"To": {"+33612345678"}, "From": {"+33757000000"}}, 400, 21602},
		{"body too long", sid, token, message("+33612345678", strings.Repeat("a", 1601)), 400, 21617},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := twiliotest.NewServer(t, sid, token)
			code, body := post(t, s, tt.user, tt.pass, tt.form)
			if code != tt.wantStatus || body["code"] != tt.wantCode || body["status"] != float64(tt.wantStatus) {
				t.Errorf("got %d %v, want %d code %v", code, body, tt.wantStatus, tt.wantCode)
			}
			if n := len(s.Sent()); n != 0 {
				t.Errorf("%d messages recorded", n)
			}
		})
	}
}

func TestFailNext(t *testing.T) {
	tests := []struct {
		failure    twiliotest.Failure
		wantStatus int
		wantCode   float64 // 0: not JSON
	}{
		{twiliotest.Unsubscribed, 400, 21610},
		{twiliotest.InvalidNumber, 400, 21211},
		{twiliotest.NotMobile, 400, 21614},
		{twiliotest.TooManyRequests, 429, 20429},
		{twiliotest.ServerErrorHTML, 503, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.wantStatus, tt.wantCode), func(t *testing.T) {
			s := twiliotest.NewServer(t, sid, token)
			s.FailNext(2, tt.failure)
			for i := range 2 {
				code, body := post(t, s, sid, token, message("+33612345678", "x"))
				if code != tt.wantStatus || (tt.wantCode != 0) != (body != nil) || (body != nil && body["code"] != tt.wantCode) {
					t.Errorf("request %d: got %d %v", i, code, body)
				}
			}
			if code, _ := post(t, s, sid, token, message("+33612345678", "x")); code != http.StatusCreated {
				t.Errorf("third request: %d, want 201", code)
			}
			if n := len(s.Sent()); n != 1 {
				t.Errorf("%d messages recorded, want 1", n)
			}
		})
	}
}

func TestServerIsSafeForConcurrentUse(t *testing.T) {
	s := twiliotest.NewServer(t, sid, token)
	s.FailNext(5, twiliotest.TooManyRequests)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() { post(t, s, sid, token, message("+33612345678", fmt.Sprint(i))) })
	}
	wg.Wait()
	if n := len(s.Sent()); n != 15 {
		t.Errorf("%d messages recorded, want 15", n)
	}
}

// The signature of Twilio's documentation.
func TestSignPublishedVector(t *testing.T) {
	params := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675309"}, "Digits": {"1234"},
		"From": {"+14158675309"}, "To": {"+18005551212"}}
	got := twiliotest.Sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)
	if want := "RSOYDt4T1cUTdK1PDd93/VVr8B8="; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestNewInboundRequest(t *testing.T) {
	params := twiliotest.InboundParams("SM1", "+33612345678", "+33757000000", "Bonjour")
	r := twiliotest.NewInboundRequest(token, "https://stagebot.example.org/", "/webhooks/twilio?x=1", params)
	if r.Method != http.MethodPost || r.URL.Path != "/webhooks/twilio" || r.URL.RawQuery != "x=1" {
		t.Errorf("request %s %s", r.Method, r.URL)
	}
	if err := r.ParseForm(); err != nil {
		t.Fatal(err)
	}
	if r.PostForm.Get("Body") != "Bonjour" || r.PostForm.Get("MessageSid") != "SM1" || r.PostForm.Get("NumMedia") != "0" {
		t.Errorf("form %v", r.PostForm)
	}
	want := twiliotest.Sign(token, "https://stagebot.example.org/webhooks/twilio?x=1", params)
	if got := r.Header.Get("X-Twilio-Signature"); got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
}
