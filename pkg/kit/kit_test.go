package kit

import (
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// testMessage builds a dynamic message type covering every shape the JSON
// convention cares about:
//
//	message Sample {
//	  string order_sn = 1; int64 total_amount = 2; int32 quantity = 3;
//	  Status status = 4; Sample child = 5; repeated string tags = 6;
//	  map<string, int64> counts = 7; oneof pick { string a = 8; int64 b = 9; }
//	  bool ok = 10; bytes raw = 11; google.protobuf.Duration timeout = 12;
//	}
//	enum Status { UNKNOWN = 0; PAID = 1; }
func testMessage() protoreflect.MessageType {
	s := proto.String
	i := proto.Int32
	label := func(l descriptorpb.FieldDescriptorProto_Label) *descriptorpb.FieldDescriptorProto_Label { return &l }
	typ := func(t descriptorpb.FieldDescriptorProto_Type) *descriptorpb.FieldDescriptorProto_Type { return &t }
	opt, rep := label(descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL), label(descriptorpb.FieldDescriptorProto_LABEL_REPEATED)
	field := func(name string, num int32, l *descriptorpb.FieldDescriptorProto_Label, t descriptorpb.FieldDescriptorProto_Type, typeName string) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{Name: s(name), Number: i(num), Label: l, Type: typ(t), JsonName: s(name + "_json")}
		if typeName != "" {
			f.TypeName = s(typeName)
		}
		return f
	}
	a := field("a", 8, opt, descriptorpb.FieldDescriptorProto_TYPE_STRING, "")
	a.OneofIndex = i(0)
	b := field("b", 9, opt, descriptorpb.FieldDescriptorProto_TYPE_INT64, "")
	b.OneofIndex = i(0)
	fdp := &descriptorpb.FileDescriptorProto{
		Name: s("kit_test.proto"), Package: s("kittest"), Syntax: s("proto3"),
		Dependency: []string{"google/protobuf/duration.proto"},
		EnumType: []*descriptorpb.EnumDescriptorProto{{Name: s("Status"), Value: []*descriptorpb.EnumValueDescriptorProto{
			{Name: s("UNKNOWN"), Number: i(0)}, {Name: s("PAID"), Number: i(1)}}}},
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: s("Sample"),
			Field: []*descriptorpb.FieldDescriptorProto{
				field("order_sn", 1, opt, descriptorpb.FieldDescriptorProto_TYPE_STRING, ""),
				field("total_amount", 2, opt, descriptorpb.FieldDescriptorProto_TYPE_INT64, ""),
				field("quantity", 3, opt, descriptorpb.FieldDescriptorProto_TYPE_INT32, ""),
				field("status", 4, opt, descriptorpb.FieldDescriptorProto_TYPE_ENUM, ".kittest.Status"),
				field("child", 5, opt, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".kittest.Sample"),
				field("tags", 6, rep, descriptorpb.FieldDescriptorProto_TYPE_STRING, ""),
				field("counts", 7, rep, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".kittest.Sample.CountsEntry"),
				a, b,
				field("ok", 10, opt, descriptorpb.FieldDescriptorProto_TYPE_BOOL, ""),
				field("raw", 11, opt, descriptorpb.FieldDescriptorProto_TYPE_BYTES, ""),
				field("timeout", 12, opt, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".google.protobuf.Duration"),
			},
			OneofDecl: []*descriptorpb.OneofDescriptorProto{{Name: s("pick")}},
			NestedType: []*descriptorpb.DescriptorProto{{
				Name:    s("CountsEntry"),
				Options: &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)},
				Field: []*descriptorpb.FieldDescriptorProto{
					field("key", 1, opt, descriptorpb.FieldDescriptorProto_TYPE_STRING, ""),
					field("value", 2, opt, descriptorpb.FieldDescriptorProto_TYPE_INT64, ""),
				},
			}},
		}},
	}
	fd, err := protodesc.NewFile(fdp, protoregistryFiles())
	if err != nil {
		panic(err) // a broken test fixture, not a runtime path
	}
	return dynamicpb.NewMessageType(fd.Messages().ByName("Sample"))
}
