package registry

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// logBuffer collects log lines from concurrent requests.
type logBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (l *logBuffer) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logBuffer) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func TestBasicAuth(t *testing.T) {
	const user, password = "kbench", "s3cr3t-Pa55"
	const wrongPassword = "not-the-Pa55word"
	var logs logBuffer
	srv, authed := newTestServer(t, WithBasicAuth(user, password), WithLogf(logs.logf))
	ctx := context.Background()
	var bodies []string

	// Raw requests: none, wrong user, wrong password, right ones.
	cases := []struct {
		name       string
		user, pass string
		auth       bool
		status     int
	}{
		{name: "no credentials", status: 401},
		{name: "wrong password", user: user, pass: wrongPassword, auth: true, status: 401},
		{name: "wrong user", user: "other", pass: password, auth: true, status: 401},
		{name: "empty password", user: user, pass: "", auth: true, status: 401},
		{name: "right credentials", user: user, pass: password, auth: true, status: 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest("GET", srv.URL+"/subjects", nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.auth {
				req.SetBasicAuth(tc.user, tc.pass)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			bodies = append(bodies, string(raw))
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, raw)
			}
			if tc.status == 401 {
				e := decodeError(t, string(raw))
				if e.ErrorCode != CodeUnauthorized || !strings.Contains(e.Message, "basic authentication") {
					t.Errorf("401 body: %+v", e)
				}
				if resp.Header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			}
		})
	}

	// Through pkg/sr: the server's client carries the credentials; a client
	// without them, or with a wrong password, gets 401 as a registry error.
	if _, err := authed.CreateSchema(ctx, "s", srSchema("AVRO", evolutions[0].v1)); err != nil {
		t.Fatalf("authenticated client: %v", err)
	}
	anon, err := sr.NewClient(sr.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = anon.Subjects(ctx)
	wantCode(t, err, CodeUnauthorized)
	wrong, err := sr.NewClient(sr.URLs(srv.URL), sr.BasicAuth(user, wrongPassword))
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.SchemaByID(ctx, 1)
	re := wantCode(t, err, CodeUnauthorized)
	bodies = append(bodies, string(re.Raw), err.Error())
	// Failures of authenticated requests carry no secret either.
	_, err = authed.CreateSchema(ctx, "s", srSchema("AVRO", evolutions[0].incompat))
	re = wantCode(t, err, CodeIncompatibleSchema)
	bodies = append(bodies, string(re.Raw))

	logText := logs.text()
	if !strings.Contains(logText, "401: rejected") || !strings.Contains(logText, "POST /subjects/s/versions: 200") {
		t.Fatalf("the log lacks the rejected and the accepted requests:\n%s", logText)
	}
	secrets := []string{password, wrongPassword,
		base64.StdEncoding.EncodeToString([]byte(user + ":" + password)),
		base64.StdEncoding.EncodeToString([]byte(user + ":" + wrongPassword))}
	for _, secret := range secrets {
		if strings.Contains(logText, secret) {
			t.Errorf("a log line holds a secret %q:\n%s", secret, logText)
		}
		for _, b := range bodies {
			if strings.Contains(b, secret) {
				t.Errorf("a response holds a secret %q: %s", secret, b)
			}
		}
	}
}

func TestInvalidOptions(t *testing.T) {
	cases := []struct {
		name string
		opt  Option
		want string
	}{
		{"unknown level", WithCompatibility("SIDEWAYS"), `unknown compatibility level "SIDEWAYS"`},
		{"empty user", WithBasicAuth("", "pw"), "non-empty user and password"},
		{"empty password", WithBasicAuth("u", ""), "non-empty user and password"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewServer(tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewServer: %v, want an error with %q", err, tc.want)
			}
			defer func() {
				if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), tc.want) {
					t.Fatalf("New: panic %v, want one with %q", p, tc.want)
				}
			}()
			New(tc.opt)
		})
	}
	// A valid level applies.
	reg := New(WithCompatibility("FULL"))
	if got := mustCall(t, reg, "GET", "/config", ""); !sameJSON(t, got, `{"compatibilityLevel":"FULL"}`) {
		t.Fatalf("WithCompatibility(FULL): %s", got)
	}
}
