package schemadata

import (
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// protoReader decodes Protobuf payloads with a reader schema.
type protoReader struct {
	file    protoreflect.FileDescriptor
	message protoreflect.MessageDescriptor // from DecodeOptions.Message; nil: by the writer's name
	self    *protoWriter                   // the reader's schema as writer (empty writer text)
}

// protoWriter is a compiled writer schema.
type protoWriter struct {
	file protoreflect.FileDescriptor
}

func newProtoReader(text, message string) (*protoReader, error) {
	fd, err := compileProto(text)
	if err != nil {
		return nil, err
	}
	r := &protoReader{file: fd, self: &protoWriter{file: fd}}
	if message != "" {
		if r.message, err = findMessage(fd, message); err != nil {
			return nil, err
		}
	} else if fd.Messages().Len() == 0 {
		return nil, fmt.Errorf("the protobuf schema declares no message")
	}
	return r, nil
}

func (p *protoReader) prepare(text string) (any, error) {
	if strings.TrimSpace(text) == "" {
		return p.self, nil
	}
	fd, err := compileProto(text)
	if err != nil {
		return nil, err
	}
	return &protoWriter{file: fd}, nil
}

func (p *protoReader) decode(payload []byte, w *protoWriter, msgIndexes []int) (*Decoded, error) {
	wm, err := messageAt(w.file, msgIndexes)
	if err != nil {
		return nil, err
	}
	rm := p.message
	if rm == nil {
		var ok bool
		if rm, ok = findDescriptor(p.file, wm.FullName()); !ok {
			return nil, fmt.Errorf("the reader schema has no message %s (the writer's message at indexes %v); set the reader message explicitly", wm.FullName(), msgIndexes)
		}
	}
	msg := dynamicpb.NewMessage(rm)
	if err := (proto.UnmarshalOptions{}).Unmarshal(payload, msg); err != nil {
		return nil, fmt.Errorf("cannot read the record as %s: %s", rm.FullName(), strings.TrimPrefix(err.Error(), "proto: "))
	}
	var unknown pathList
	collectUnknown(msg, wm, "", &unknown)
	return &Decoded{Value: msg, Unknown: unknown}, nil
}

// findDescriptor looks a message up by full name among the file's
// messages.
func findDescriptor(fd protoreflect.FileDescriptor, name protoreflect.FullName) (protoreflect.MessageDescriptor, bool) {
	var walk func(ms protoreflect.MessageDescriptors) protoreflect.MessageDescriptor
	walk = func(ms protoreflect.MessageDescriptors) protoreflect.MessageDescriptor {
		for i := range ms.Len() {
			m := ms.Get(i)
			if m.FullName() == name {
				return m
			}
			if found := walk(m.Messages()); found != nil {
				return found
			}
		}
		return nil
	}
	m := walk(fd.Messages())
	return m, m != nil
}

// collectUnknown lists the fields of msg (and of the messages it holds)
// that the reader's schema does not know, naming them from the writer's
// message descriptor wm where it has them (wm may be nil).
func collectUnknown(msg protoreflect.Message, wm protoreflect.MessageDescriptor, path string, out *pathList) {
	raw := msg.GetUnknown()
	for len(raw) > 0 {
		num, typ, n := protowire.ConsumeTag(raw)
		if n < 0 {
			break
		}
		m := protowire.ConsumeFieldValue(num, typ, raw[n:])
		if m < 0 {
			break
		}
		raw = raw[n+m:]
		name := strconv.Itoa(int(num))
		if wm != nil {
			if wf := wm.Fields().ByNumber(num); wf != nil {
				name = string(wf.Name())
			}
		}
		out.add(joinPath(path, name))
	}
	msg.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		var sub protoreflect.MessageDescriptor
		if wm != nil {
			if wf := wm.Fields().ByNumber(fd.Number()); wf != nil {
				if wf.IsMap() {
					wf = wf.MapValue()
				}
				sub = wf.Message()
			}
		}
		p := joinPath(path, string(fd.Name()))
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() == nil {
				return true
			}
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				collectUnknown(mv.Message(), sub, p, out)
				return true
			})
		case fd.IsList():
			if fd.Message() == nil {
				return true
			}
			l := v.List()
			for i := range l.Len() {
				collectUnknown(l.Get(i).Message(), sub, p, out)
			}
		case fd.Message() != nil:
			collectUnknown(v.Message(), sub, p, out)
		}
		return true
	})
}
