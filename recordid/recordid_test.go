package recordid

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []ID{
		{},
		{RunID: 1, Stream: 2, Seq: 3, Intended: 4, Sent: 5, Checksum: 6},
		{RunID: ^uint64(0), Stream: ^uint32(0), Seq: ^uint64(0), Intended: -1, Sent: 1 << 62, Checksum: ^uint32(0)},
	}
	for _, want := range cases {
		b := want.Append(nil)
		if len(b) != Size {
			t.Fatalf("encoded %d bytes, want %d", len(b), Size)
		}
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode(%x): %v", b, err)
		}
		if got != want {
			t.Fatalf("round trip: got %+v, want %+v", got, want)
		}
	}
}

// TestLayout pins the documented byte layout: other languages depend on it.
func TestLayout(t *testing.T) {
	t.Parallel()
	id := ID{RunID: 0x0102030405060708, Stream: 0x0a0b0c0d, Seq: 0x1112131415161718,
		Intended: 0x2122232425262728, Sent: 0x3132333435363738, Checksum: 0x41424344}
	want, _ := hex.DecodeString("0100" + "0102030405060708" + "0a0b0c0d" + "1112131415161718" +
		"2122232425262728" + "3132333435363738" + "41424344")
	if got := id.Append(nil); !bytes.Equal(got, want) {
		t.Fatalf("layout:\n got %x\nwant %x", got, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	valid := (&ID{Seq: 9}).Append(nil)
	cases := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrShort},
		{"truncated", valid[:Size-1], ErrShort},
		{"version", append([]byte{2}, valid[1:]...), ErrVersion},
	}
	for _, c := range cases {
		if _, err := Decode(c.in); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	// Trailing bytes from a later version are ignored.
	if id, err := Decode(append(valid, 0xff)); err != nil || id.Seq != 9 {
		t.Errorf("trailing bytes: %+v, %v", id, err)
	}
}

func TestChecksum(t *testing.T) {
	t.Parallel()
	// CRC-32C check value from RFC 3720 (iSCSI): 32 bytes of zeros.
	if got := Checksum(make([]byte, 32)); got != 0x8a9136aa {
		t.Fatalf("Checksum(zeros) = %#x, want 0x8a9136aa", got)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add((&ID{RunID: 7, Seq: 1}).Append(nil))
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := Decode(b)
		if err != nil {
			return
		}
		if again, _ := Decode(id.Append(nil)); again != id {
			t.Fatalf("re-encode mismatch: %+v vs %+v", again, id)
		}
	})
}

func BenchmarkAppend(b *testing.B) {
	id := ID{RunID: 1, Stream: 2, Seq: 3, Intended: 4, Sent: 5, Checksum: 6}
	buf := make([]byte, 0, Size)
	b.ReportAllocs()
	for b.Loop() {
		buf = id.Append(buf[:0])
	}
}

func BenchmarkDecode(b *testing.B) {
	enc := (&ID{RunID: 1, Seq: 3}).Append(nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChecksum1KiB(b *testing.B) {
	v := make([]byte, 1024)
	b.SetBytes(int64(len(v)))
	for b.Loop() {
		Checksum(v)
	}
}
