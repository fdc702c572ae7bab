package containers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/template"
)

// Versions of the logging jars fetched beside Kafka's own: Kafka 4 logs
// through SLF4J 2 and ships no binding in its Maven artifacts.
const (
	log4jVersion = "2.26.1"
	slf4jVersion = "2.0.17"
)

var pomTemplate = template.Must(template.New("pom").Parse(`<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by kbench to fetch Apache Kafka {{.Kafka}} and its tools. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.kbench</groupId>
  <artifactId>kafka-libs</artifactId>
  <version>{{.Kafka}}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>{{.Kafka}}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>{{.Kafka}}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>{{.SLF4J}}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>{{.Log4j}}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>{{.Log4j}}</version></dependency>
  </dependencies>
</project>
`))

// CacheDir is where kbench caches downloads: the value of CacheEnv, else
// the user cache directory's "kbench" folder.
func CacheDir() (string, error) {
	if d := os.Getenv(CacheEnv); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (set %s): %w", CacheEnv, err)
	}
	return filepath.Join(d, "kbench"), nil
}

// ErrNoJava means the java command was not found.
var ErrNoJava = errors.New("java not found on PATH: brokers run as local processes need Java 17 or newer " +
	"(or use the Docker runtime)")

// KafkaLibs returns a directory holding the jars of Apache Kafka version
// (broker, tools such as ProducerPerformance, and a log4j binding). It
// uses dir when non-empty (checking that it holds Kafka's jars), and
// otherwise fetches the jars from Maven Central with `mvn` into the cache
// directory once; later calls reuse them. Concurrent callers, including
// other processes, wait for one fetch.
func KafkaLibs(ctx context.Context, version, dir string, logf func(string, ...any)) (string, error) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if dir != "" {
		if err := checkLibs(dir); err != nil {
			return "", err
		}
		return dir, nil
	}
	if version == "" {
		version = DefaultKafkaVersion
	}
	if strings.ContainsAny(version, `/\<>&"' `) {
		return "", fmt.Errorf("invalid Kafka version %q", version)
	}
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	base := filepath.Join(cache, "kafka-"+version)
	libs := filepath.Join(base, "libs")
	done := filepath.Join(base, ".complete")
	if _, err := os.Stat(done); err == nil {
		return libs, nil
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(filepath.Join(base, ".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(done); err == nil { // another process fetched meanwhile
		return libs, nil
	}
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return "", fmt.Errorf("Kafka %s jars are not cached and mvn is not on PATH: install Maven, "+
			"or set %s to the libs/ directory of an Apache Kafka download", version, LibsEnv)
	}
	var pom bytes.Buffer
	if err := pomTemplate.Execute(&pom, map[string]string{
		"Kafka": version, "Log4j": log4jVersion, "SLF4J": slf4jVersion,
	}); err != nil {
		return "", err
	}
	pomPath := filepath.Join(base, "pom.xml")
	if err := os.WriteFile(pomPath, pom.Bytes(), 0o644); err != nil {
		return "", err
	}
	tmp := libs + ".tmp"
	os.RemoveAll(tmp)
	logf("fetching Apache Kafka %s jars from Maven Central into %s", version, libs)
	cmd := exec.CommandContext(ctx, mvn, "-q", "-B", "-f", pomPath,
		"dependency:copy-dependencies", "-DoutputDirectory="+tmp, "-DincludeScope=runtime")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("fetching Kafka %s jars with Maven: %v\n%s", version, err, tail(out, 2000))
	}
	if err := checkLibs(tmp); err != nil {
		return "", err
	}
	os.RemoveAll(libs)
	if err := os.Rename(tmp, libs); err != nil {
		return "", err
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		return "", err
	}
	return libs, nil
}

// Classpath is the Java class path of a libs directory.
func Classpath(libs string) string { return filepath.Join(libs, "*") }

func checkLibs(dir string) error {
	matches, _ := filepath.Glob(filepath.Join(dir, "kafka_2.13-*.jar"))
	if len(matches) == 0 {
		return fmt.Errorf("%s holds no kafka_2.13-*.jar: expected the jars of an Apache Kafka release "+
			"(the libs/ folder of a download)", dir)
	}
	return nil
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}
