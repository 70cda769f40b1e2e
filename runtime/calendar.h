/* calendar.h - the one calendar of assocgen and libassoc: which datetimes
 * exist, and their text.
 *
 * Compiled into both the runtime (reading and writing datetimes) and the
 * generator (checking datetime defaults, writing them into DDL), so that
 * `assocgen --check` refuses exactly the values the runtime would refuse:
 * two copies that disagreed let default("0000-03-01") pass the checker and
 * then fail every insert.  Internal to the project: not installed; its
 * names carry libassoc's prefix (assoc_cal_) because the shared library
 * exports them, and a program's own cal_format must not meet ours.
 *
 * The calendar is the proleptic Gregorian one, without time zones or leap
 * seconds, limited to years 0001-9999: the range of Python's datetime, so
 * that SQLAlchemy reads back whatever is written.  A time is microseconds
 * since 1970-01-01 00:00:00 (assoc_time).  The text is SQLAlchemy's SQLite
 * format, "YYYY-MM-DD HH:MM:SS.ffffff".
 *
 * Days are counted with Howard Hinnant's civil-date algorithms
 * (howardhinnant.github.io/date_algorithms.html); timegm() and gmtime()
 * would depend on the C library's range and are not C11.
 */
#ifndef ASSOC_CALENDAR_H
#define ASSOC_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CAL_US_PER_SEC INT64_C(1000000)
#define CAL_SEC_PER_DAY INT64_C(86400)
/* 0001-01-01 00:00:00 and 9999-12-31 23:59:59, in seconds and in us. */
#define CAL_SEC_MIN INT64_C(-62135596800)
#define CAL_SEC_MAX INT64_C(253402300799)
#define CAL_TIME_MIN (CAL_SEC_MIN * CAL_US_PER_SEC)
#define CAL_TIME_MAX (CAL_SEC_MAX * CAL_US_PER_SEC + 999999)

/* "YYYY-MM-DD HH:MM:SS.ffffff" and its NUL. */
enum { CAL_TEXT_SIZE = 27 };

/* Days since 1970-01-01 of y-m-d (any y; m 1-12, d 1-31), and back. */
int64_t assoc_cal_days_from_civil(int64_t y, int m, int d);
void assoc_cal_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
bool assoc_cal_is_leap(int64_t y);
int assoc_cal_days_in_month(int64_t y, int m);

/* Write t as "YYYY-MM-DD HH:MM:SS.ffffff" (26 characters and a NUL) into
 * buf.  false, with buf empty, for a time outside years 0001-9999. */
bool assoc_cal_format(int64_t t, char buf[CAL_TEXT_SIZE]);

/* The layout of a datetime text, checked at fixed positions:
 * YYYY-MM-DD?HH:MM:SS, optionally '.' and 1-6 digits of fraction, '?' a
 * space or 'T' (19 or 21..26 bytes).  Digits are not checked here. */
bool assoc_cal_layout_ok(const char *text, size_t len);
/* The date of a text whose layout is ok, as days since 1970-01-01; false
 * for a date that does not exist or lies outside years 0001-9999. */
bool assoc_cal_parse_date(const char *text, int64_t *days);
/* The time of day of a text whose layout is ok, in microseconds; false
 * for an hour, minute or second out of range or a non-digit.  ".5" is half
 * a second: each digit of the fraction is worth a tenth of the one before. */
bool assoc_cal_parse_clock(const char *text, size_t len, int64_t *us);

/* Little-endian machines read eight bytes of text at once: a byte is a
 * digit when its high nibble is 3 and stays 3 when 6 is added; digit pairs
 * are combined by one multiplication.  For the readers' fast path. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ASSOC_CAL_SWAR 1

static inline uint64_t assoc_cal_load8(const char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Are the bytes of v that `mask` selects (whole bytes) all digits?  The two
 * tests apart: adding 6 carries into the next byte only from a byte the
 * first refuses. */
static inline bool assoc_cal_digits8(uint64_t v, uint64_t mask)
{
    uint64_t hi = mask & UINT64_C(0xF0F0F0F0F0F0F0F0), thirty = mask & UINT64_C(0x3030303030303030);
    return (v & hi) == thirty && ((v + (mask & UINT64_C(0x0606060606060606))) & hi) == thirty;
}

/* The time of day of a text of 19 or 26 bytes ("...HH:MM:SS[.ffffff]"):
 * its colons, '.', digits and ranges checked, the date and the byte
 * between not looked at.  false for anything else. */
static inline bool assoc_cal_clock_swar(const char *text, size_t len, int64_t *us)
{
    uint64_t v = assoc_cal_load8(text + 11), f = 0;   /* "HH:MM:SS" */
    if ((v & UINT64_C(0x0000FF0000FF0000)) != UINT64_C(0x00003A00003A0000) ||
        !assoc_cal_digits8(v, UINT64_C(0xFFFF00FFFF00FFFF)))
        return false;
    /* byte k of p: 10 * digit k + digit k + 1 */
    uint64_t d = v & UINT64_C(0x0F0F000F0F000F0F), p = d * 10 + (d >> 8);
    uint64_t h = p & 0xFF, mi = (p >> 24) & 0xFF, s = (p >> 48) & 0xFF;
    if (h > 23 || mi > 59 || s > 59)
        return false;
    if (len == 26) {
        uint64_t w = assoc_cal_load8(text + 18);    /* "S.ffffff" */
        if ((w & 0xFF00) != 0x2E00 || !assoc_cal_digits8(w, UINT64_C(0xFFFFFFFFFFFF0000)))
            return false;
        uint64_t e = (w >> 16) & UINT64_C(0x0F0F0F0F0F0F), q = e * 10 + (e >> 8);
        f = (q & 0xFF) * 10000 + ((q >> 16) & 0xFF) * 100 + ((q >> 32) & 0xFF);
    } else if (len != 19) {
        return false;
    }
    *us = (int64_t)((h * 3600 + mi * 60 + s) * 1000000 + f);
    return true;
}
#endif

/* The whole parse: a text of the layout above, or with `date_only`, also
 * "YYYY-MM-DD" alone (midnight; the model language's defaults allow it,
 * stored values do not, as SQLAlchemy refuses them).  false for anything
 * else, trailing bytes included. */
bool assoc_cal_parse(const char *text, size_t len, bool date_only, int64_t *t);

#endif
