package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// chain returns n Avro schemas, each adding a field with a default to the
// one before: every one may follow or precede every other under BACKWARD.
func chain(n int) []string {
	out := make([]string, n)
	fields := []string{`{"name":"id","type":"long"}`}
	for i := range n {
		out[i] = fmt.Sprintf(`{"type":"record","name":"Event","fields":[%s]}`, strings.Join(fields, ","))
		fields = append(fields, fmt.Sprintf(`{"name":"f%d","type":"int","default":%d}`, i, i))
	}
	return out
}

// TestConcurrentRegistration registers the same schemas from many
// goroutines, each into its own subject and all into a shared one, over
// HTTP: every schema must get one id everywhere, ids must be 1..n, and the
// shared subject must hold each schema once.
func TestConcurrentRegistration(t *testing.T) {
	const goroutines, n = 12, 8
	ctx := context.Background()
	srv, _ := newTestServer(t)
	schemas := chain(n)
	ids := make([][]int, goroutines)
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl, err := srv.Client()
			if err != nil {
				errs <- err
				return
			}
			for i, text := range schemas {
				own, err := cl.RegisterSchema(ctx, fmt.Sprintf("own-%d", g), srSchema("AVRO", text), -1, -1)
				if err != nil {
					errs <- fmt.Errorf("goroutine %d, schema %d, own subject: %w", g, i, err)
					return
				}
				shared, err := cl.RegisterSchema(ctx, "shared", srSchema("AVRO", text), -1, -1)
				if err != nil {
					errs <- fmt.Errorf("goroutine %d, schema %d, shared subject: %w", g, i, err)
					return
				}
				if own != shared {
					errs <- fmt.Errorf("goroutine %d, schema %d: id %d in its subject, %d in the shared one", g, i, own, shared)
					return
				}
				ids[g] = append(ids[g], own)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for g := 1; g < goroutines; g++ {
		if !slices.Equal(ids[g], ids[0]) {
			t.Fatalf("goroutine %d saw ids %v, goroutine 0 %v", g, ids[g], ids[0])
		}
	}
	sorted := slices.Sorted(slices.Values(ids[0]))
	for i, id := range sorted {
		if id != i+1 {
			t.Fatalf("ids %v are not 1..%d", sorted, n)
		}
	}
	cl, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	versions, err := cl.SubjectVersions(ctx, "shared")
	if err != nil || len(versions) != n {
		t.Fatalf("shared subject: versions %v, %v; want %d", versions, err, n)
	}
	for g := range goroutines {
		versions, err := cl.SubjectVersions(ctx, fmt.Sprintf("own-%d", g))
		if err != nil || len(versions) != n {
			t.Fatalf("own-%d: versions %v, %v", g, versions, err)
		}
	}
}

// TestConcurrentMixed runs registrations, reads, deletes and level changes
// at once (for the race detector) and checks the registry still answers
// consistently afterwards.
func TestConcurrentMixed(t *testing.T) {
	reg := New()
	schemas := chain(4)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			subject := fmt.Sprintf("/subjects/m%d", g%3)
			for i := range 20 {
				text := schemas[i%len(schemas)]
				call(t, reg, "POST", subject+"/versions", body("", text))
				call(t, reg, "GET", subject+"/versions/latest", "")
				call(t, reg, "GET", "/schemas/ids/1", "")
				call(t, reg, "POST", "/compatibility"+subject+"/versions/latest", body("", text))
				switch i % 7 {
				case 3:
					call(t, reg, "DELETE", subject+"/versions/latest", "")
				case 5:
					call(t, reg, "PUT", "/config"+strings.TrimPrefix(subject, "/subjects"), `{"compatibility":"NONE"}`)
				}
			}
		}()
	}
	wg.Wait()
	// Every schema registered has one id, whatever the subject.
	for i, text := range schemas {
		var ids []string
		for s := range 3 {
			status, got := call(t, reg, "POST", fmt.Sprintf("/subjects/m%d?deleted=true", s), body("", text))
			if status == 200 {
				ids = append(ids, got[strings.Index(got, `"id":`):])
			}
		}
		for _, id := range ids {
			if !strings.HasPrefix(id, fmt.Sprintf(`"id":%d,`, i+1)) {
				t.Errorf("schema %d: %v", i, ids)
			}
		}
	}
}
