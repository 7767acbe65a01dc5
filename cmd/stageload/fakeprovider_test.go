package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "0123456789abcdef0123456789abcdef"
)

// postMessage creates a message the way twilio-go does: a form with basic auth.
func postMessage(t *testing.T, base, user, password string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/2010-04-01/Accounts/"+testSID+"/Messages.json", strings.NewReader(form.Encode()))
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
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// The fake answers like Twilio: 201 and a Message resource after the latency, 401 and 429 as
// Twilio's JSON errors; it logs what it accepted.
func TestFakeProviderAnswersLikeTwilio(t *testing.T) {
	p := newFakeProvider(testSID, testToken, "", "https://stagebot.example.org", providerConfig{Latency: 20 * time.Millisecond}, slog.New(slog.DiscardHandler))
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	form := url.Values{"To": {"+33670000001"}, "From": {"+33757000000"}, "Body": {"Bonjour"}}

	start := time.Now()
	code, body := postMessage(t, srv.URL, testSID, testToken, form)
	if code != http.StatusCreated || !regexp.MustCompile(`^SM[0-9a-f]{32}$`).MatchString(body["sid"].(string)) ||
		body["status"] != "queued" || body["to"] != "+33670000001" {
		t.Fatalf("create: %d %v", code, body)
	}
	if took := time.Since(start); took < 20*time.Millisecond {
		t.Errorf("answered in %s, before the latency", took)
	}
	if code, body := postMessage(t, srv.URL, testSID, "wrong", form); code != http.StatusUnauthorized || body["code"] != float64(20003) {
		t.Errorf("wrong token: %d %v", code, body)
	}
	p.SetConfig(providerConfig{Rate429: 1})
	if code, body := postMessage(t, srv.URL, testSID, testToken, form); code != http.StatusTooManyRequests || body["code"] != float64(20429) {
		t.Errorf("429: %d %v", code, body)
	}
	msgs := p.Since(context.Background(), 0, 0)
	if len(msgs) != 1 || msgs[0].To != "+33670000001" || msgs[0].Body != "Bonjour" || msgs[0].Seq != 0 {
		t.Errorf("log %+v", msgs)
	}
	if st := p.Stats(); st.Requests != 3 || st.Accepted != 1 || st.Refused["429"] != 1 || st.Refused["401"] != 1 {
		t.Errorf("stats %+v", st)
	}
}

// The remote source reads the log through the control endpoints, waiting for what comes.
func TestRemoteSourceWaits(t *testing.T) {
	p := newFakeProvider(testSID, testToken, "", "https://stagebot.example.org", providerConfig{}, slog.New(slog.DiscardHandler))
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	src := remoteSource{base: srv.URL, client: srv.Client()}
	go func() { // a send arrives while the source waits
		time.Sleep(50 * time.Millisecond)
		form := url.Values{"To": {"+33670000002"}, "From": {"+33757000000"}, "Body": {"Salut"}}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/2010-04-01/Accounts/"+testSID+"/Messages.json", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(testSID, testToken)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	msgs, err := src.Since(context.Background(), 0, 5*time.Second)
	if err != nil || len(msgs) != 1 || msgs[0].Body != "Salut" {
		t.Fatalf("since: %v %+v", err, msgs)
	}
	if err := src.Configure(context.Background(), providerConfig{Latency: time.Second, Rate429: 0.5}); err != nil {
		t.Fatal(err)
	}
	if cfg := p.Config(); cfg.Latency != time.Second || cfg.Rate429 != 0.5 {
		t.Errorf("config %+v", cfg)
	}
}

// A caller that hangs up before the answer leaves an orphan: the provider has the message, the
// caller does not know it.
func TestFakeProviderOrphans(t *testing.T) {
	p := newFakeProvider(testSID, testToken, "", "https://stagebot.example.org", providerConfig{Latency: time.Second}, slog.New(slog.DiscardHandler))
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	form := url.Values{"To": {"+33670000003"}, "From": {"+33757000000"}, "Body": {"Bonjour"}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/2010-04-01/Accounts/"+testSID+"/Messages.json", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(testSID, testToken)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("answered before the latency")
	}
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if msgs := p.Since(context.Background(), 0, 0); len(msgs) == 1 && msgs[0].Orphan {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("log %+v: want one orphan", p.Since(context.Background(), 0, 0))
}
