package kbenchtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kbench/kbench/scenarios"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func scenario(gates ...string) *scenarios.Scenario {
	sc := &scenarios.Scenario{
		Name:      "kbenchtest",
		Duration:  time.Second,
		Data:      []*scenarios.Data{{Name: "d", Format: scenarios.FormatBytes, Size: scenarios.SizeDist{Kind: scenarios.SizeFixed, Fixed: 64}}},
		Producers: []scenarios.Producer{{Topic: "t", Data: "d", Rate: scenarios.Rate{Profile: scenarios.RateConstant, Rate: 200}, Idempotent: true}},
		Consumers: []scenarios.Consumer{{Topic: "t"}},
	}
	for _, g := range gates {
		parsed, err := scenarios.ParseGate(g)
		if err != nil {
			panic(err)
		}
		sc.Gates = append(sc.Gates, parsed)
	}
	return sc
}

func TestRunPassesAndWritesResults(t *testing.T) {
	c := NewCluster(t)
	if len(c.Brokers) == 0 {
		t.Fatal("no brokers")
	}
	dir := t.TempDir()
	rec := &recorder{TB: t}
	res := Run(rec, c, scenario("produce.errors == 0", "consume.missing == 0"), ResultDir(dir))
	if len(rec.errors) != 0 {
		t.Fatalf("unexpected failures: %v", rec.errors)
	}
	if res.Produce.Acked < 150 || res.Consume.Records != res.Produce.Acked {
		t.Fatalf("acked %d consumed %d", res.Produce.Acked, res.Consume.Records)
	}
	for _, f := range []string{"result.json", "summary.txt", "intervals.hlog"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestRunFailsOnGates(t *testing.T) {
	c := NewCluster(t)
	rec := &recorder{TB: t}
	Run(rec, c, scenario("produce.rate >= 1M/s", "e2e.p99 < 1ns"), Duration(time.Second))
	if len(rec.errors) != 2 {
		t.Fatalf("want 2 gate failures, got %q", rec.errors)
	}
	if !strings.Contains(rec.errors[0], "produce.rate is") {
		t.Errorf("failure lacks the reason: %s", rec.errors[0])
	}
}

func TestNewClusterFromEnv(t *testing.T) {
	t.Setenv(BrokersEnv, " a:1, b:2 ,")
	c := NewCluster(t)
	if c.Embedded || len(c.Brokers) != 2 || c.Brokers[1] != "b:2" {
		t.Fatalf("%+v", c)
	}
}
