// Command fetchlibs prints the directory of the pinned Apache Kafka jars,
// fetching them with Maven into kbench's cache first if needed (see
// containers.KafkaLibs). containers/image/build.sh uses it to put the same
// jars the process runtime runs into the local Docker image:
//
//	go run ./containers/image/fetchlibs [-version 4.4.0]
//
// KBENCH_KAFKA_LIBS, when set, is checked and printed instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/kbench/kbench/containers"
)

func main() {
	version := flag.String("version", containers.DefaultKafkaVersion, "Apache Kafka version")
	flag.Parse()
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	libs, err := containers.KafkaLibs(context.Background(), *version, os.Getenv(containers.LibsEnv), logf)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fetchlibs:", err)
		os.Exit(1)
	}
	fmt.Println(libs)
}
