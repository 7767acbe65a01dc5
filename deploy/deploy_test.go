// Package deploy holds the container files' checks: the Dockerfile, .dockerignore, compose.yaml and
// the load balancer's deploy/Caddyfile, read as text and checked against the code they package (the
// variables cmd/stagebot/config.go reads, its commands, the health routes), without docker.
package deploy

import (
	"encoding/json"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// root is the module's root, where the container files live (tests run in deploy/).
const root = ".."

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ---- Dockerfile ----

type instruction struct {
	cmd  string // FROM, RUN, COPY… in upper case
	args string
}

type stage struct {
	image, name string
	body        []instruction // after FROM
}

// dockerfile reads the Dockerfile's stages: comments dropped, continued lines joined.
func dockerfile(t *testing.T) []stage {
	t.Helper()
	var stages []stage
	var line string
	for _, raw := range strings.Split(read(t, "Dockerfile"), "\n") {
		trimmed := strings.TrimSpace(raw)
		if line == "" && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cont, ok := strings.CutSuffix(trimmed, `\`); ok {
			line += cont + " "
			continue
		}
		line += trimmed
		cmd, args, _ := strings.Cut(line, " ")
		line = ""
		in := instruction{strings.ToUpper(cmd), strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			var words []string
			for _, w := range strings.Fields(in.args) {
				if !strings.HasPrefix(w, "--") {
					words = append(words, w)
				}
			}
			s := stage{image: words[0]}
			if len(words) == 3 && strings.EqualFold(words[1], "AS") {
				s.name = words[2]
			}
			stages = append(stages, s)
			continue
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Fatalf("Dockerfile: %s before the first FROM", in.cmd)
			}
			continue
		}
		stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
	}
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stage(s); want a build stage and a final stage", len(stages))
	}
	return stages
}

func (s stage) all(cmd string) []string {
	var out []string
	for _, in := range s.body {
		if in.cmd == cmd {
			out = append(out, in.args)
		}
	}
	return out
}

// execForm reads a JSON array instruction such as ENTRYPOINT ["/stagebot"].
func execForm(t *testing.T, what, args string) []string {
	t.Helper()
	var v []string
	if err := json.Unmarshal([]byte(args), &v); err != nil || len(v) == 0 {
		t.Fatalf("Dockerfile %s %s: want the exec form, a JSON array", what, args)
	}
	return v
}

var goBuild = regexp.MustCompile(`go build (.*)`)

// buildCommand returns the build stage's `go build` flags, its -o output and its package.
func buildCommand(t *testing.T, build stage) (flags []string, output, pkg string) {
	t.Helper()
	for _, run := range build.all("RUN") {
		m := goBuild.FindStringSubmatch(run)
		if m == nil {
			continue
		}
		words := strings.Fields(m[1])
		for i := 0; i < len(words); i++ {
			w := strings.Trim(words[i], `'"`)
			switch {
			case w == "-o" && i+1 < len(words):
				output = words[i+1]
				i++
			case strings.HasPrefix(w, "-"):
				flags = append(flags, w)
			case strings.HasPrefix(w, "./"):
				pkg = w
			}
		}
		return flags, output, pkg
	}
	t.Fatal("Dockerfile: no `go build` in the build stage")
	return nil, "", ""
}

func TestDockerfileBuildsAStaticBinaryInAGoStage(t *testing.T) {
	stages := dockerfile(t)
	build := stages[0]
	if !strings.HasPrefix(build.image, "golang:") || build.name == "" {
		t.Fatalf("first stage is FROM %s AS %q; want a named golang:… build stage", build.image, build.name)
	}
	// The image's Go is the one go.mod asks for (its major.minor).
	gomod := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(read(t, "go.mod"))
	if gomod == nil {
		t.Fatal("go.mod: no go line")
	}
	if !strings.HasPrefix(strings.TrimPrefix(build.image, "golang:"), gomod[1]) {
		t.Errorf("build stage FROM %s; go.mod wants go %s", build.image, gomod[1])
	}
	cgoOff := slices.ContainsFunc(append(build.all("ENV"), build.all("RUN")...), func(s string) bool {
		return strings.Contains(s, "CGO_ENABLED=0")
	})
	if !cgoOff {
		t.Error("build stage: CGO_ENABLED=0 is not set (the final image has no libc)")
	}
	flags, output, pkg := buildCommand(t, build)
	joined := strings.NewReplacer("'", "", `"`, "").Replace(strings.Join(flags, " "))
	for _, want := range []string{"-trimpath", "-ldflags=-s -w"} {
		if !strings.Contains(joined, want) {
			t.Errorf("go build flags %q lack %s", flags, want)
		}
	}
	if output == "" || pkg == "" {
		t.Fatalf("go build: output %q, package %q; want -o PATH ./cmd/…", output, pkg)
	}
}

// The package the Dockerfile builds exists and is a command.
func TestDockerfileBuildsAnExistingCommand(t *testing.T) {
	_, _, pkg := buildCommand(t, dockerfile(t)[0])
	cmd := exec.Command("go", "list", "-f", "{{.Name}}", pkg)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", pkg, err, out)
	}
	if name := strings.TrimSpace(string(out)); name != "main" {
		t.Errorf("%s is package %s, not a command", pkg, name)
	}
}

func TestDockerfileFinalStageRunsTheBinaryAsNonRoot(t *testing.T) {
	stages := dockerfile(t)
	build, final := stages[0], stages[len(stages)-1]
	nonrootImage := final.image == "scratch" ||
		strings.HasPrefix(final.image, "gcr.io/distroless/") && strings.HasSuffix(final.image, ":nonroot")
	if !nonrootImage {
		t.Errorf("final stage FROM %s; want gcr.io/distroless/…:nonroot or scratch", final.image)
	}
	users := final.all("USER")
	switch {
	case len(users) > 0:
		user, _, _ := strings.Cut(users[len(users)-1], ":")
		if user == "root" || user == "0" {
			t.Errorf("final stage runs as USER %s", users[len(users)-1])
		}
	case !strings.HasSuffix(final.image, ":nonroot"):
		t.Error("final stage has no USER: it would run as root")
	}

	// It copies the binary, and only that, from the build stage.
	_, output, _ := buildCommand(t, build)
	copies := final.all("COPY")
	if len(copies) != 1 {
		t.Fatalf("final stage has %d COPY; want one, the binary", len(copies))
	}
	words := strings.Fields(copies[0])
	if len(words) != 3 || words[0] != "--from="+build.name || words[1] != output {
		t.Fatalf("final stage COPY %s; want COPY --from=%s %s DEST", copies[0], build.name, output)
	}
	binary := words[2]

	entry := final.all("ENTRYPOINT")
	if len(entry) != 1 || !slices.Equal(execForm(t, "ENTRYPOINT", entry[0]), []string{binary}) {
		t.Errorf("final stage ENTRYPOINT %s; want [%q]", strings.Join(entry, " | "), binary)
	}
	cmds := final.all("CMD")
	if len(cmds) != 1 || !slices.Equal(execForm(t, "CMD", cmds[0]), []string{"serve"}) {
		t.Errorf("final stage CMD %s; want [\"serve\"]", strings.Join(cmds, " | "))
	}
	if expose := final.all("EXPOSE"); len(expose) != 1 || expose[0] != httpPort(t) {
		t.Errorf("final stage EXPOSE %q; want %s, the port of the default HTTP_ADDR", expose, httpPort(t))
	}
}

// httpPort is the port of HTTP_ADDR's default in cmd/stagebot/config.go.
func httpPort(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`getenv\("HTTP_ADDR"\),\s*"[^":]*:(\d+)"`).FindStringSubmatch(read(t, "cmd/stagebot/config.go"))
	if m == nil {
		t.Fatal(`cmd/stagebot/config.go: no or(getenv("HTTP_ADDR"), ":PORT") default`)
	}
	return m[1]
}

// ---- .dockerignore ----

// ignoreRule is one .dockerignore line, as Docker reads it: a path pattern relative to the build
// context, where * and ? stay within one path element and ** spans any; ! re-includes. A pattern
// that matches a directory leaves out everything in it.
type ignoreRule struct {
	re      *regexp.Regexp
	include bool
}

func dockerignore(t *testing.T) []ignoreRule {
	t.Helper()
	var rules []ignoreRule
	for _, line := range strings.Split(read(t, ".dockerignore"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{}
		if rest, ok := strings.CutPrefix(line, "!"); ok {
			r.include, line = true, strings.TrimSpace(rest)
		}
		line = strings.TrimPrefix(filepath.ToSlash(filepath.Clean(line)), "/")
		var re strings.Builder
		for i := 0; i < len(line); i++ {
			switch {
			case strings.HasPrefix(line[i:], "**/"):
				re.WriteString("(.*/)?")
				i += 2
			case strings.HasPrefix(line[i:], "**"):
				re.WriteString(".*")
				i++
			case line[i] == '*':
				re.WriteString("[^/]*")
			case line[i] == '?':
				re.WriteString("[^/]")
			default:
				re.WriteString(regexp.QuoteMeta(line[i : i+1]))
			}
		}
		r.re = regexp.MustCompile("^" + re.String() + "$")
		rules = append(rules, r)
	}
	return rules
}

// ignored reports whether the build context leaves out path (slash-separated, from the root).
func ignored(rules []ignoreRule, path string) bool {
	out := false
	for _, r := range rules {
		match := false
		for p := path; p != "."; p = filepath.ToSlash(filepath.Dir(p)) {
			if r.re.MatchString(p) {
				match = true
				break
			}
		}
		if match {
			out = !r.include
		}
	}
	return out
}

// Every file `go build ./cmd/stagebot` reads, embedded files included, reaches the build; the
// secrets and the history do not.
func TestDockerignoreKeepsWhatTheBuildReads(t *testing.T) {
	rules := dockerignore(t)
	_, _, pkg := buildCommand(t, dockerfile(t)[0])
	cmd := exec.Command("go", "list", "-deps", "-json", pkg)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	needed := []string{"go.mod", "go.sum"}
	embedded := 0
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			Dir        string
			Module     *struct{ Main bool }
			GoFiles    []string
			EmbedFiles []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if p.Module == nil || !p.Module.Main {
			continue
		}
		dir, err := filepath.Rel(abs, p.Dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range append(p.GoFiles, p.EmbedFiles...) {
			needed = append(needed, filepath.ToSlash(filepath.Join(dir, f)))
		}
		embedded += len(p.EmbedFiles)
	}
	if embedded == 0 {
		t.Error("no embedded files found: the migrations, catalogs and locales should be in the binary")
	}
	for _, f := range needed {
		if ignored(rules, f) {
			t.Errorf(".dockerignore leaves out %s, which the build reads", f)
		}
	}
	for _, f := range []string{".env", ".git/config", "stagebot"} {
		if !ignored(rules, f) {
			t.Errorf(".dockerignore lets %s into the build context", f)
		}
	}
}

// ---- compose.yaml ----

// node is one line of a YAML file in block style, with the lines indented under it.
type node struct {
	key, value    string // "- item" lines have an empty key
	anchor, alias string // key: &anchor, key: *alias
	indent        int
	children      []*node
}

// composeFile reads compose.yaml as an outline: enough YAML for a file in block style with
// anchors, aliases and `<<:` merges (which get resolves). Flow values stay text.
type composeFile struct {
	top     *node
	anchors map[string]*node
}

func readCompose(t *testing.T) composeFile {
	t.Helper()
	c := composeFile{top: &node{indent: -1}, anchors: map[string]*node{}}
	stack := []*node{c.top}
	for i, raw := range strings.Split(read(t, "compose.yaml"), "\n") {
		text := strings.TrimRight(raw, " \t")
		trimmed := strings.TrimSpace(text)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if strings.Contains(text, "\t") {
			t.Fatalf("compose.yaml:%d: a tab", i+1)
		}
		n := &node{indent: len(text) - len(strings.TrimLeft(text, " "))}
		if item, ok := strings.CutPrefix(trimmed, "- "); ok {
			n.value = unquote(item)
		} else {
			k, v, ok := strings.Cut(trimmed, ":")
			if !ok {
				t.Fatalf("compose.yaml:%d: not key: value nor - item: %q", i+1, trimmed)
			}
			n.key, v = strings.TrimSpace(k), strings.TrimSpace(v)
			switch {
			case strings.HasPrefix(v, "&"):
				n.anchor = v[1:]
				c.anchors[n.anchor] = n
			case strings.HasPrefix(v, "*"):
				n.alias = v[1:]
			default:
				n.value = unquote(v)
			}
		}
		for stack[len(stack)-1].indent >= n.indent {
			stack = stack[:len(stack)-1]
		}
		parent := stack[len(stack)-1]
		parent.children = append(parent.children, n)
		stack = append(stack, n)
	}
	return c
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// entries are n's children with aliases and `<<:` merges resolved; explicit keys win.
func (c composeFile) entries(t *testing.T, n *node) []*node {
	t.Helper()
	if n.alias != "" {
		target, ok := c.anchors[n.alias]
		if !ok {
			t.Fatalf("compose.yaml: *%s names no anchor", n.alias)
		}
		return c.entries(t, target)
	}
	var out []*node
	seen := map[string]bool{}
	for _, ch := range n.children {
		if ch.key != "<<" {
			out = append(out, ch)
			seen[ch.key] = true
		}
	}
	for _, ch := range n.children {
		if ch.key == "<<" {
			for _, m := range c.entries(t, ch) {
				if !seen[m.key] {
					out = append(out, m)
				}
			}
		}
	}
	return out
}

func (c composeFile) get(t *testing.T, n *node, key string) *node {
	t.Helper()
	for _, ch := range c.entries(t, n) {
		if ch.key == key {
			return ch
		}
	}
	return nil
}

// value is the text of the entry at path under n ("" when missing).
func (c composeFile) value(t *testing.T, n *node, path ...string) string {
	t.Helper()
	for _, key := range path {
		if n = c.get(t, n, key); n == nil {
			return ""
		}
	}
	return n.value
}

// list reads a "- item" list or a flow list such as ["serve"].
func (c composeFile) list(t *testing.T, n *node, key string) []string {
	t.Helper()
	n = c.get(t, n, key)
	if n == nil {
		return nil
	}
	if flow, ok := strings.CutPrefix(n.value, "["); ok {
		var out []string
		for _, w := range strings.Split(strings.TrimSuffix(flow, "]"), ",") {
			out = append(out, unquote(strings.TrimSpace(w)))
		}
		return out
	}
	var out []string
	for _, ch := range c.entries(t, n) {
		out = append(out, ch.value)
	}
	return out
}

func (c composeFile) services(t *testing.T) map[string]*node {
	t.Helper()
	services := c.get(t, c.top, "services")
	if services == nil {
		t.Fatal("compose.yaml: no services")
	}
	out := map[string]*node{}
	for _, s := range c.entries(t, services) {
		out[s.key] = s
	}
	return out
}

// dependsOn maps the services s waits for to the condition (service_started for a plain list).
func (c composeFile) dependsOn(t *testing.T, s *node) map[string]string {
	t.Helper()
	out := map[string]string{}
	d := c.get(t, s, "depends_on")
	if d == nil {
		return out
	}
	for _, ch := range c.entries(t, d) {
		if ch.key == "" {
			out[ch.value] = "service_started"
		} else {
			out[ch.key] = c.value(t, ch, "condition")
		}
	}
	return out
}

// stagebotServices are the services that run the image the Dockerfile builds, by name.
func (c composeFile) stagebotServices(t *testing.T) map[string]*node {
	t.Helper()
	out := map[string]*node{}
	for name, s := range c.services(t) {
		if c.value(t, s, "build") == "." || c.value(t, s, "build", "context") == "." {
			out[name] = s
		}
	}
	if len(out) == 0 {
		t.Fatal("compose.yaml: no service builds the Dockerfile (build: .)")
	}
	return out
}

// replicas are the services that run `stagebot serve`, sorted.
func (c composeFile) replicas(t *testing.T) []string {
	t.Helper()
	var out []string
	for name, s := range c.stagebotServices(t) {
		if slices.Equal(c.list(t, s, "command"), []string{"serve"}) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// configNames are the variables cmd/stagebot/config.go reads.
func configNames(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`getenv\("([A-Z0-9_]+)"\)`).FindAllStringSubmatch(read(t, "cmd/stagebot/config.go"), -1) {
		names[m[1]] = true
	}
	if len(names) < 10 {
		t.Fatalf("cmd/stagebot/config.go: only %d getenv names found", len(names))
	}
	return names
}

// commands are the subcommands cmd/stagebot/main.go runs.
func commands(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, m := range regexp.MustCompile(`case "([a-z-]+)"`).FindAllStringSubmatch(read(t, "cmd/stagebot/main.go"), -1) {
		out[m[1]] = true
	}
	return out
}

func TestComposePostgresIsHealthcheckedAndKept(t *testing.T) {
	c := readCompose(t)
	pg := c.services(t)["postgres"]
	if pg == nil {
		t.Fatal("compose.yaml: no postgres service")
	}
	if img := c.value(t, pg, "image"); !strings.HasPrefix(img, "postgres:") {
		t.Errorf("postgres image %q", img)
	}
	if test := c.value(t, pg, "healthcheck", "test"); !strings.Contains(test, "pg_isready") {
		t.Errorf("postgres healthcheck test %q; want pg_isready", test)
	}
	var volume string
	for _, v := range c.list(t, pg, "volumes") {
		if name, ok := strings.CutSuffix(v, ":/var/lib/postgresql/data"); ok {
			volume = name
		}
	}
	if volume == "" || c.get(t, c.get(t, c.top, "volumes"), volume) == nil {
		t.Errorf("postgres data: want a named volume on /var/lib/postgresql/data, declared under volumes (got %q)", volume)
	}
}

func TestComposeRunsTwoServeReplicasAfterTheMigrations(t *testing.T) {
	c := readCompose(t)
	replicas := c.replicas(t)
	if len(replicas) < 2 {
		t.Fatalf("compose.yaml: serve replicas %q; want at least two", replicas)
	}
	known := commands(t)
	image := ""
	for name, s := range c.stagebotServices(t) {
		cmd := c.list(t, s, "command")
		if len(cmd) == 0 || !known[cmd[0]] {
			t.Errorf("service %s: command %q is not a stagebot command", name, cmd)
		}
		img := c.value(t, s, "image")
		if image != "" && img != image {
			t.Errorf("service %s runs image %q, another %q: all should share the one build", name, img, image)
		}
		image = img
	}
	migrate := ""
	for name, s := range c.stagebotServices(t) {
		if slices.Equal(c.list(t, s, "command"), []string{"migrate"}) {
			migrate = name
			if dep := c.dependsOn(t, s)["postgres"]; dep != "service_healthy" {
				t.Errorf("%s waits for postgres %q; want service_healthy", name, dep)
			}
		}
	}
	if migrate == "" {
		t.Error("compose.yaml: no service runs `stagebot migrate`")
	}
	for _, name := range replicas {
		s := c.services(t)[name]
		deps := c.dependsOn(t, s)
		if deps["postgres"] != "service_healthy" {
			t.Errorf("%s waits for postgres %q; want service_healthy", name, deps["postgres"])
		}
		if migrate != "" && deps[migrate] != "service_completed_successfully" {
			t.Errorf("%s waits for %s %q; want service_completed_successfully", name, migrate, deps[migrate])
		}
		if c.value(t, s, "restart") == "" {
			t.Errorf("%s has no restart policy", name)
		}
		if port := portOf(c.value(t, s, "environment", "HTTP_ADDR")); port != httpPort(t) {
			t.Errorf("%s: HTTP_ADDR port %q; the image exposes %s", name, port, httpPort(t))
		}
	}
}

func portOf(addr string) string {
	_, port, _ := strings.Cut(addr, ":")
	return port
}

var interpolation = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|\$([A-Za-z_])`)

// Every variable the stagebot services get is one config.go reads, taken from the host under the
// same name; every config.go variable is passed; the one other variable read from the host is the
// postgres password.
func TestComposeEnvironmentIsWhatConfigReads(t *testing.T) {
	c := readCompose(t)
	names := configNames(t)
	fixed := map[string]bool{"DATABASE_URL": true, "HTTP_ADDR": true} // set by compose, not the host
	for name, s := range c.stagebotServices(t) {
		env := c.get(t, s, "environment")
		if env == nil {
			t.Fatalf("service %s has no environment", name)
		}
		got := map[string]bool{}
		for _, e := range c.entries(t, env) {
			if e.key == "" {
				t.Fatalf("service %s: environment as a list (- %s); write KEY: value", name, e.value)
			}
			got[e.key] = true
			if !names[e.key] {
				t.Errorf("service %s sets %s, which cmd/stagebot/config.go does not read", name, e.key)
				continue
			}
			if fixed[e.key] {
				continue
			}
			if want := "${" + e.key + ":-}"; e.value != want {
				t.Errorf("service %s: %s: %q; want %q (the host's value, empty when unset)", name, e.key, e.value, want)
			}
		}
		for n := range names {
			if !got[n] {
				t.Errorf("service %s does not pass %s (cmd/stagebot/config.go reads it)", name, n)
			}
		}
	}
	for _, m := range interpolation.FindAllStringSubmatch(read(t, "compose.yaml"), -1) {
		switch {
		case m[3] != "":
			t.Errorf("compose.yaml: $%s…: write ${NAME:-default}", m[3])
		case !names[m[1]] && m[1] != "POSTGRES_PASSWORD":
			t.Errorf("compose.yaml reads ${%s} from the host; neither config.go nor the postgres service knows it", m[1])
		}
	}
}

// DATABASE_URL is the postgres service, with its user, password and database.
func TestComposeDatabaseURLIsThePostgresService(t *testing.T) {
	c := readCompose(t)
	pg := c.services(t)["postgres"]
	defaults := regexp.MustCompile(`\$\{[A-Za-z0-9_]+:?-([^}]*)\}`)
	for name, s := range c.stagebotServices(t) {
		raw := c.value(t, s, "environment", "DATABASE_URL")
		u, err := url.Parse(defaults.ReplaceAllString(raw, "$1"))
		if err != nil {
			t.Fatalf("service %s: DATABASE_URL %q: %v", name, raw, err)
		}
		password, _ := u.User.Password()
		wantPassword := defaults.ReplaceAllString(c.value(t, pg, "environment", "POSTGRES_PASSWORD"), "$1")
		if u.Hostname() != "postgres" || u.User.Username() != c.value(t, pg, "environment", "POSTGRES_USER") ||
			password != wantPassword || strings.TrimPrefix(u.Path, "/") != c.value(t, pg, "environment", "POSTGRES_DB") {
			t.Errorf("service %s: DATABASE_URL %q is not the postgres service's user, password and database", name, raw)
		}
		if !strings.Contains(raw, "${POSTGRES_PASSWORD") {
			t.Errorf("service %s: DATABASE_URL %q does not follow POSTGRES_PASSWORD", name, raw)
		}
	}
}

// The load balancer mounts deploy/Caddyfile, publishes one port, waits for every replica, and its
// Caddyfile spreads requests over exactly the replicas, health-checked on a route the service has.
func TestLoadBalancerNamesEveryReplica(t *testing.T) {
	c := readCompose(t)
	replicas := c.replicas(t)
	var lb string
	for name, s := range c.services(t) {
		for _, v := range c.list(t, s, "volumes") {
			if strings.HasPrefix(v, "./deploy/Caddyfile:") {
				lb = name
			}
		}
	}
	if lb == "" {
		t.Fatal("compose.yaml: no service mounts ./deploy/Caddyfile")
	}
	s := c.services(t)[lb]
	if ports := c.list(t, s, "ports"); len(ports) != 1 {
		t.Errorf("%s publishes %q; want one address", lb, ports)
	}
	deps := c.dependsOn(t, s)
	for _, r := range replicas {
		if _, ok := deps[r]; !ok {
			t.Errorf("%s does not depend on %s", lb, r)
		}
	}

	caddyfile := read(t, "deploy/Caddyfile")
	m := regexp.MustCompile(`(?m)^\s*reverse_proxy\s+([^{\n]*)`).FindStringSubmatch(caddyfile)
	if m == nil {
		t.Fatal("deploy/Caddyfile: no reverse_proxy")
	}
	var upstreams []string
	for _, u := range strings.Fields(m[1]) {
		host, port, _ := strings.Cut(u, ":")
		if port != httpPort(t) {
			t.Errorf("deploy/Caddyfile: upstream %s; the replicas listen on %s", u, httpPort(t))
		}
		upstreams = append(upstreams, host)
	}
	slices.Sort(upstreams)
	if !slices.Equal(upstreams, replicas) {
		t.Errorf("deploy/Caddyfile spreads over %q; the serve replicas are %q", upstreams, replicas)
	}
	h := regexp.MustCompile(`(?m)^\s*health_uri\s+(\S+)`).FindStringSubmatch(caddyfile)
	if h == nil {
		t.Fatal("deploy/Caddyfile: no health_uri: a replica that is down would still get requests")
	}
	if !strings.Contains(read(t, "bot/ops/health.go"), `"GET `+h[1]+`"`) {
		t.Errorf("deploy/Caddyfile checks %s, which bot/ops/health.go does not serve", h[1])
	}
}
