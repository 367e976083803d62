package data

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// orderRepo is the gorm biz.OrderRepo.
type orderRepo struct {
	tx      *db.Tx
	changes biz.ChangeNotifier // nil: nobody to tell
}

// NewOrderRepo returns the orders repository; it works in the transaction
// carried by each call's context, if any.
func NewOrderRepo(tx *db.Tx) biz.OrderRepo {
	return &orderRepo{tx: tx}
}

// NewNotifyingOrderRepo is NewOrderRepo that also tells changes about every
// order it creates or updates, once the transaction commits (never after a
// rollback), so that blocking reads wake up without seeing uncommitted
// state.
func NewNotifyingOrderRepo(tx *db.Tx, changes biz.ChangeNotifier) biz.OrderRepo {
	return &orderRepo{tx: tx, changes: changes}
}

// changed tells r.changes about order sn after ctx's transaction commits
// (at once without one).
func (r *orderRepo) changed(ctx context.Context, sn string) {
	if r.changes != nil {
		db.AfterCommit(ctx, func() { r.changes.Notify(sn) })
	}
}

// Create implements biz.OrderRepo.
func (r *orderRepo) Create(ctx context.Context, o *biz.Order) error {
	m, items := toModels(o)
	gdb := r.tx.DB(ctx)
	if err := gdb.Create(&m).Error; err != nil {
		if db.IsDuplicateKey(err) {
			return fmt.Errorf("data: insert order %s: %w", o.SN, biz.ErrDuplicateSN)
		}
		return fmt.Errorf("data: insert order %s: %w", o.SN, err)
	}
	if len(items) > 0 {
		if err := gdb.Create(&items).Error; err != nil {
			return fmt.Errorf("data: insert items of %s: %w", o.SN, err)
		}
	}
	o.ID = m.ID
	r.changed(ctx, o.SN)
	return nil
}

// Get implements biz.OrderRepo. One query reads the order and its items
// (a LEFT JOIN, one row per item): GET /v1/orders/{sn}, whose blocking
// reads re-read it while they wait, and every saga step read an order this
// way, and the join saves a round trip on each.
func (r *orderRepo) Get(ctx context.Context, sn string) (*biz.Order, error) {
	var rows []orderItemRow
	err := r.tx.DB(ctx).Table("orders AS o").
		Select("o.*, i.sku AS item_sku, i.line_no AS item_line_no, i.name AS item_name, "+
			"i.quantity AS item_quantity, i.unit_price AS item_unit_price").
		Joins("LEFT JOIN order_items AS i ON i.order_sn = o.order_sn").
		Where("o.order_sn = ?", sn).Order("i.line_no").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("data: get order %s: %w", sn, err)
	}
	if len(rows) == 0 {
		return nil, v1.ErrorOrderNotFound("order %q not found", sn)
	}
	var items []orderItemModel
	for _, row := range rows {
		if row.ItemSKU != nil { // NULL: an order without items (the join found none)
			items = append(items, orderItemModel{OrderSN: sn, SKU: *row.ItemSKU, LineNo: row.ItemLineNo,
				Name: row.ItemName, Quantity: row.ItemQuantity, UnitPrice: row.ItemUnitPrice})
		}
	}
	return toBiz(rows[0].Order, items), nil
}

// orderItemRow is a row of Get's join: the order's columns and one item's.
// Only ItemSKU tells whether the row has an item; the other item columns
// scan NULL as their zero value.
type orderItemRow struct {
	Order         orderModel `gorm:"embedded"`
	ItemSKU       *string    `gorm:"column:item_sku"`
	ItemLineNo    int        `gorm:"column:item_line_no"`
	ItemName      string     `gorm:"column:item_name"`
	ItemQuantity  int32      `gorm:"column:item_quantity"`
	ItemUnitPrice int64      `gorm:"column:item_unit_price"`
}

// Exists implements biz.OrderRepo.
func (r *orderRepo) Exists(ctx context.Context, sn string) (bool, error) {
	var n int64
	if err := r.tx.DB(ctx).Model(&orderModel{}).Where("order_sn = ?", sn).Limit(1).Count(&n).Error; err != nil {
		return false, fmt.Errorf("data: order %s exists: %w", sn, err)
	}
	return n > 0, nil
}

// List implements biz.OrderRepo.
func (r *orderRepo) List(ctx context.Context, q biz.ListQuery) ([]*biz.Order, error) {
	gdb := r.tx.DB(ctx)
	query := gdb.Where("id > ?", q.AfterID)
	if q.Status != "" {
		query = query.Where("status = ?", string(q.Status))
	}
	var ms []orderModel
	if err := query.Order("id").Limit(q.Limit).Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("data: list orders: %w", err)
	}
	sns := make([]string, len(ms))
	for i, m := range ms {
		sns[i] = m.OrderSN
	}
	items, err := r.items(gdb, sns)
	if err != nil {
		return nil, err
	}
	out := make([]*biz.Order, len(ms))
	for i, m := range ms {
		out[i] = toBiz(m, items[m.OrderSN])
	}
	return out, nil
}

// items loads the lines of the orders sns, in line order.
func (r *orderRepo) items(gdb *gorm.DB, sns []string) (map[string][]orderItemModel, error) {
	out := make(map[string][]orderItemModel, len(sns))
	if len(sns) == 0 {
		return out, nil
	}
	var rows []orderItemModel
	if err := gdb.Where("order_sn IN ?", sns).Order("order_sn, line_no").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("data: order items: %w", err)
	}
	for _, it := range rows {
		out[it.OrderSN] = append(out[it.OrderSN], it)
	}
	return out, nil
}

// Update implements biz.OrderRepo.
func (r *orderRepo) Update(ctx context.Context, sn string, version int64, st biz.State) error {
	err := db.UpdateVersioned(r.tx.DB(ctx), "orders", "order_sn", sn, version, map[string]any{
		"status": string(st.Status), "cancel_reason": st.CancelReason, "paid_payment_sn": st.PaymentSN,
	})
	if err != nil {
		return fmt.Errorf("data: update order: %w", err)
	}
	r.changed(ctx, sn)
	return nil
}

// ListOverdue implements biz.OrderRepo.
func (r *orderRepo) ListOverdue(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	var sns []string
	open := []string{string(biz.StatusCreated), string(biz.StatusAwaitingPayment)}
	err := r.tx.DB(ctx).Model(&orderModel{}).
		Where("status IN ? AND payment_deadline < ?", open, cutoff.UTC()).
		Order("payment_deadline").Limit(limit).Pluck("order_sn", &sns).Error
	if err != nil {
		return nil, fmt.Errorf("data: overdue orders: %w", err)
	}
	return sns, nil
}
