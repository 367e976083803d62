package data

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/services/payment/internal/biz"
)

// paymentRepo is the gorm biz.PaymentRepo.
type paymentRepo struct {
	tx *db.Tx
}

// NewPaymentRepo returns the payment repository over the database of tx.
func NewPaymentRepo(tx *db.Tx) biz.PaymentRepo {
	return &paymentRepo{tx: tx}
}

// LockOrder inserts the lock row if missing (ON CONFLICT DO NOTHING; on
// MySQL gorm writes ON DUPLICATE KEY UPDATE order_sn = order_sn) and reads
// it with SELECT ... FOR UPDATE. Inserting before locking matters on
// MySQL: a locking read of a missing row takes a gap lock, and two
// transactions holding the same gap deadlock on their inserts. SQLite
// drops the FOR UPDATE clause; its single writer serialises anyway.
func (r *paymentRepo) LockOrder(ctx context.Context, orderSN string) (*biz.OrderLock, error) {
	gdb := r.tx.DB(ctx)
	now := gdb.NowFunc()
	row := paymentOrder{OrderSN: orderSN, Status: string(biz.OrderOpen), Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := gdb.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return nil, fmt.Errorf("data: insert payment_orders %s: %w", orderSN, err)
	}
	var got paymentOrder
	err := gdb.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Where("order_sn = ?", orderSN).Take(&got).Error
	if err != nil {
		return nil, fmt.Errorf("data: lock payment_orders %s: %w", orderSN, err)
	}
	return got.toBiz(), nil
}

// AttachPayment implements biz.PaymentRepo.
func (r *paymentRepo) AttachPayment(ctx context.Context, lock *biz.OrderLock, paymentSN string) error {
	err := db.UpdateVersioned(r.tx.DB(ctx), "payment_orders", "order_sn", lock.OrderSN, lock.Version,
		map[string]any{"payment_sn": paymentSN})
	if err != nil {
		return fmt.Errorf("data: attach payment: %w", err)
	}
	lock.PaymentSN = paymentSN
	lock.Version++
	return nil
}

// CancelOrder implements biz.PaymentRepo.
func (r *paymentRepo) CancelOrder(ctx context.Context, lock *biz.OrderLock) error {
	err := db.UpdateVersioned(r.tx.DB(ctx), "payment_orders", "order_sn", lock.OrderSN, lock.Version,
		map[string]any{"status": string(biz.OrderCancelled)})
	if err != nil {
		return fmt.Errorf("data: cancel order: %w", err)
	}
	lock.Status = biz.OrderCancelled
	lock.Version++
	return nil
}

// GetPayment reads the payment with SELECT ... FOR UPDATE (a unique-key
// point read: a record lock, no gap).
func (r *paymentRepo) GetPayment(ctx context.Context, paymentSN string) (*biz.Payment, error) {
	var m payment
	err := r.tx.DB(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Where("payment_sn = ?", paymentSN).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("data: payment %s: %w", paymentSN, biz.ErrNoPayment)
	}
	if err != nil {
		return nil, fmt.Errorf("data: payment %s: %w", paymentSN, err)
	}
	return m.toBiz(), nil
}

// Create implements biz.PaymentRepo.
func (r *paymentRepo) Create(ctx context.Context, p *biz.Payment) error {
	m := paymentFromBiz(p)
	if err := r.tx.DB(ctx).Create(m).Error; err != nil {
		return fmt.Errorf("data: insert payment %s: %w", p.PaymentSN, err)
	}
	p.ID = m.ID
	return nil
}

// Refund implements biz.PaymentRepo.
func (r *paymentRepo) Refund(ctx context.Context, p *biz.Payment, at time.Time) error {
	err := db.UpdateVersioned(r.tx.DB(ctx), "payments", "payment_sn", p.PaymentSN, p.Version,
		map[string]any{"status": string(biz.PaymentRefunded), "updated_at": at})
	if err != nil {
		return fmt.Errorf("data: refund: %w", err)
	}
	p.Status = biz.PaymentRefunded
	p.Version++
	p.UpdatedAt = at
	return nil
}

// List implements biz.PaymentRepo.
func (r *paymentRepo) List(ctx context.Context, q biz.ListQuery) ([]*biz.Payment, error) {
	gdb := r.tx.DB(ctx).Where("id > ?", q.AfterID)
	if q.OrderSN != "" {
		gdb = gdb.Where("order_sn = ?", q.OrderSN)
	}
	var rows []payment
	if err := gdb.Order("id").Limit(q.Limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("data: list payments: %w", err)
	}
	out := make([]*biz.Payment, len(rows))
	for i := range rows {
		out[i] = rows[i].toBiz()
	}
	return out, nil
}
