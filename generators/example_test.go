package generators_test

import (
	"fmt"

	"github.com/kbench/kbench/generators"
	"github.com/kbench/kbench/scenarios"
)

// Example generates three orders keyed by their order_id. The same seed
// and stream always give these records.
func Example() {
	orders := &scenarios.Data{
		Name:   "order",
		Format: scenarios.FormatJSON,
		Fields: []*scenarios.Field{
			{Name: "order_id", Fake: "uuid"},
			{Name: "customer", Fake: "name"},
			{Name: "amount", Fake: "price", Min: 1, Max: 500, HasMin: true, HasMax: true},
			{Name: "items", Fake: "int", Min: 1, Max: 5, HasMin: true, HasMax: true},
			{Name: "status", Fake: "enum", Values: []string{"new", "paid", "shipped"}, Weights: []float64{5, 3, 2}},
		},
		Key: scenarios.Key{Field: "order_id", Distribution: scenarios.KeyUniform, Cardinality: 1000},
	}
	g, err := generators.New(orders, 42, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	var key, value []byte
	for range 3 {
		key, value = g.Next(key[:0], value[:0])
		fmt.Printf("%s %s\n", key, value)
	}
	// Output:
	// 3cf6bc7e-bbf7-4326-a688-5fadcd845555 {"order_id":"3cf6bc7e-bbf7-4326-a688-5fadcd845555","customer":"Cooper Shaw","amount":276.39,"items":1,"status":"new"}
	// 6618a35a-df1f-4a5a-a3f4-b79a45eaa042 {"order_id":"6618a35a-df1f-4a5a-a3f4-b79a45eaa042","customer":"Charles Christiansen","amount":120.79,"items":3,"status":"paid"}
	// 173c7ee6-6e7c-4f56-b2c7-72dd882e3480 {"order_id":"173c7ee6-6e7c-4f56-b2c7-72dd882e3480","customer":"Jana Hubbard","amount":458.96,"items":1,"status":"new"}
}
