package data

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/idem"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

// reservationModel is a row of reservations.
type reservationModel struct {
	OrderSN   string    `gorm:"column:order_sn;primaryKey"`
	Status    string    `gorm:"column:status"`
	Version   int64     `gorm:"column:version"`
	CreatedAt time.Time `gorm:"column:created_at"`
	UpdatedAt time.Time `gorm:"column:updated_at"`
}

func (reservationModel) TableName() string { return "reservations" }

// reservationLineModel is a row of reservation_lines.
type reservationLineModel struct {
	OrderSN  string `gorm:"column:order_sn;primaryKey"`
	SKU      string `gorm:"column:sku;primaryKey"`
	Quantity int32  `gorm:"column:quantity"`
}

func (reservationLineModel) TableName() string { return "reservation_lines" }

const reservationColumns = "order_sn, status, version"

type reservationRepo struct{ d *Data }

// NewReservationRepo returns the reservation repository.
func NewReservationRepo(d *Data) biz.ReservationRepo { return reservationRepo{d: d} }

// Get reads the reservation and its lines with one query (a LEFT JOIN, one
// row per line, none for a reservation without lines): every order event
// the consumer handles reads its reservation first.
func (r reservationRepo) Get(ctx context.Context, orderSN string) (biz.Reservation, error) {
	var rows []reservationLineRow
	err := r.d.tx.DB(ctx).Table("reservations AS r").
		Select("r.order_sn, r.status, r.version, l.sku AS line_sku, l.quantity AS line_quantity").
		Joins("LEFT JOIN reservation_lines AS l ON l.order_sn = r.order_sn").
		Where("r.order_sn = ?", orderSN).Order("l.sku").Find(&rows).Error
	if err != nil {
		return biz.Reservation{}, fmt.Errorf("data: get reservation %s: %w", orderSN, err)
	}
	if len(rows) == 0 {
		return biz.Reservation{}, biz.ErrReservationNotFound
	}
	var lines []biz.ReservationLine
	for _, row := range rows {
		if row.LineSKU != nil { // NULL: the join found no line
			lines = append(lines, biz.ReservationLine{SKU: *row.LineSKU, Quantity: row.LineQuantity})
		}
	}
	return toReservation(rows[0].Reservation, lines), nil
}

// reservationLineRow is a row of Get's join: the reservation's columns and
// one line's; LineQuantity scans NULL as 0 when LineSKU is nil.
type reservationLineRow struct {
	Reservation  reservationModel `gorm:"embedded"`
	LineSKU      *string          `gorm:"column:line_sku"`
	LineQuantity int32            `gorm:"column:line_quantity"`
}

func (r reservationRepo) Create(ctx context.Context, res biz.Reservation) error {
	tx := r.d.tx.DB(ctx)
	now := tx.NowFunc()
	m := reservationModel{OrderSN: res.OrderSN, Status: string(res.Status), Version: res.Version, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&m).Error; err != nil {
		if db.IsDuplicateKey(err) {
			return fmt.Errorf("data: reservation %s exists: %w", res.OrderSN, idem.ErrConflict)
		}
		return fmt.Errorf("data: create reservation %s: %w", res.OrderSN, err)
	}
	if len(res.Lines) == 0 {
		return nil
	}
	lines := make([]reservationLineModel, len(res.Lines))
	for i, l := range res.Lines {
		lines[i] = reservationLineModel{OrderSN: res.OrderSN, SKU: l.SKU, Quantity: l.Quantity}
	}
	if err := tx.Create(&lines).Error; err != nil {
		return fmt.Errorf("data: create reservation lines %s: %w", res.OrderSN, err)
	}
	return nil
}

func (r reservationRepo) UpdateStatus(ctx context.Context, orderSN string, version int64, status biz.ReservationStatus) error {
	err := db.UpdateVersioned(r.d.tx.DB(ctx), "reservations", "order_sn", orderSN, version, map[string]any{"status": string(status)})
	if err != nil {
		return fmt.Errorf("data: update reservation: %w", err)
	}
	return nil
}

func (r reservationRepo) List(ctx context.Context, f biz.ReservationFilter) ([]biz.Reservation, error) {
	tx := r.d.tx.DB(ctx)
	q := tx.Select(reservationColumns).Where("order_sn > ?", f.After).Order("order_sn").Limit(f.Limit)
	if f.OrderSN != "" {
		q = q.Where("order_sn = ?", f.OrderSN)
	}
	var ms []reservationModel
	if err := q.Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("data: list reservations: %w", err)
	}
	sns := make([]string, len(ms))
	for i, m := range ms {
		sns[i] = m.OrderSN
	}
	lines, err := r.lines(tx, sns)
	if err != nil {
		return nil, err
	}
	out := make([]biz.Reservation, len(ms))
	for i, m := range ms {
		out[i] = toReservation(m, lines[m.OrderSN])
	}
	return out, nil
}

// lines loads the lines of the given orders, sorted by SKU.
func (r reservationRepo) lines(tx *gorm.DB, orderSNs []string) (map[string][]biz.ReservationLine, error) {
	out := make(map[string][]biz.ReservationLine, len(orderSNs))
	if len(orderSNs) == 0 {
		return out, nil
	}
	var ls []reservationLineModel
	err := tx.Session(&gorm.Session{NewDB: true}).Where("order_sn IN ?", orderSNs).Order("order_sn, sku").Find(&ls).Error
	if err != nil {
		return nil, fmt.Errorf("data: reservation lines: %w", err)
	}
	for _, l := range ls {
		out[l.OrderSN] = append(out[l.OrderSN], biz.ReservationLine{SKU: l.SKU, Quantity: l.Quantity})
	}
	return out, nil
}

func toReservation(m reservationModel, lines []biz.ReservationLine) biz.Reservation {
	return biz.Reservation{OrderSN: m.OrderSN, Status: biz.ReservationStatus(m.Status), Version: m.Version, Lines: lines}
}
