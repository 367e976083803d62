package kit

import (
	"google.golang.org/protobuf/reflect/protoregistry"
	_ "google.golang.org/protobuf/types/known/durationpb" // registers google/protobuf/duration.proto
)

func protoregistryFiles() *protoregistry.Files { return protoregistry.GlobalFiles }
