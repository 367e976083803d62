//go:build e2e

package e2e

import "os"

// image is one image of the suite: the variable that names it, the same
// one docker-compose.yml reads, and its default there.
type image struct {
	env string
	def string
}

// name is the image to run: $env, else the default.
func (i image) name() string {
	if v := os.Getenv(i.env); v != "" {
		return v
	}
	return i.def
}

// The images of the suite. deploy/ci/images.env names local builds of all
// of them for machines without a registry.
var (
	mysqlImage     = image{"MYSQL_IMAGE", "mysql:8.4"}
	redisImage     = image{"REDIS_IMAGE", "redis:7"}
	mqdImage       = image{"MQD_IMAGE", "sagashop/mqd:dev"}
	orderImage     = image{"ORDER_IMAGE", "sagashop/order:dev"}
	inventoryImage = image{"INVENTORY_IMAGE", "sagashop/inventory:dev"}
	paymentImage   = image{"PAYMENT_IMAGE", "sagashop/payment:dev"}

	images = []image{mysqlImage, redisImage, mqdImage, orderImage, inventoryImage, paymentImage}
)
