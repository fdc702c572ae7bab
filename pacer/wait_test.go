package pacer

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

func TestWaitAlreadyDue(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a due wait does not look at ctx
	at := time.Now().Add(-3 * time.Millisecond)
	late, err := Wait(ctx, at)
	if err != nil {
		t.Fatal(err)
	}
	if late < 3*time.Millisecond || late > time.Second {
		t.Fatalf("late %v, want about 3ms", late)
	}
}

// TestWaitNeverEarly waits for targets at every distance Wait treats
// differently (spin, fine sleep, coarse sleep) and checks it never returns
// before the target. Lateness bounds are loose: the machine may be busy.
func TestWaitNeverEarly(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ctx := context.Background()
	dists := []time.Duration{time.Microsecond, 4 * time.Microsecond, 30 * time.Microsecond, 300 * time.Microsecond, 2 * time.Millisecond, 5 * time.Millisecond}
	for range 40 {
		dists = append(dists, time.Duration(rng.Int64N(int64(400*time.Microsecond))))
	}
	for _, d := range dists {
		at := time.Now().Add(d)
		late, err := Wait(ctx, at)
		now := time.Now()
		if err != nil {
			t.Fatal(err)
		}
		if now.Before(at) {
			t.Fatalf("wait of %v returned %v early", d, at.Sub(now))
		}
		if late < 0 || late > now.Sub(at) || late > 200*time.Millisecond {
			t.Fatalf("wait of %v: late %v (returned %v after the target)", d, late, now.Sub(at))
		}
	}
}

func TestWaitCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	for _, d := range []time.Duration{100 * time.Microsecond, time.Hour} {
		if late, err := Wait(ctx, time.Now().Add(d)); !errors.Is(err, context.Canceled) || late != 0 {
			t.Fatalf("cancelled wait of %v: %v, %v", d, late, err)
		}
	}
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := Wait(ctx, time.Now().Add(time.Hour)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait past the deadline: %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("cancelled waits took %v", el)
	}
}
