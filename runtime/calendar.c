/* calendar.c - see calendar.h.  Every datetime the runtime binds or reads
 * comes through here, so the formatter and the parsers are written
 * straight: two digits per step, range checks together. */
#include "calendar.h"

#include <stdint.h>
#include <string.h>

int64_t assoc_cal_days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void assoc_cal_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

bool assoc_cal_is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int assoc_cal_days_in_month(int64_t y, int m)
{
    static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return m == 2 && assoc_cal_is_leap(y) ? 29 : days[m - 1];
}

/* "00".."99", for writing two digits at a time. */
static const char two_digits[200] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                    "8081828384858687888990919293949596979899";

static void put2(char *p, int v)
{
    memcpy(p, &two_digits[2 * v], 2);
}

/* Division rounding toward minus infinity, so that times before 1970 fall
 * in the right second and day: -1 us is 1969-12-31 23:59:59.999999. */
static int64_t floor_div(int64_t a, int64_t b, int64_t *rem)
{
    int64_t q = a / b, r = a % b;

    if (r < 0) {
        r += b;
        q--;
    }
    *rem = r;
    return q;
}

bool assoc_cal_format(int64_t t, char buf[CAL_TEXT_SIZE])
{
    int64_t secs, us, days, sod, y;
    int m, d, s;

    if (t < CAL_TIME_MIN || t > CAL_TIME_MAX) {
        buf[0] = '\0';
        return false;
    }
    secs = floor_div(t, CAL_US_PER_SEC, &us);
    days = floor_div(secs, CAL_SEC_PER_DAY, &sod);
    assoc_cal_civil_from_days(days, &y, &m, &d);
    s = (int)sod;

    put2(buf, (int)(y / 100));
    put2(buf + 2, (int)(y % 100));
    buf[4] = '-';
    put2(buf + 5, m);
    buf[7] = '-';
    put2(buf + 8, d);
    buf[10] = ' ';
    put2(buf + 11, s / 3600);
    buf[13] = ':';
    put2(buf + 14, s / 60 % 60);
    buf[16] = ':';
    put2(buf + 17, s % 60);
    buf[19] = '.';
    put2(buf + 20, (int)(us / 10000));
    put2(buf + 22, (int)(us / 100 % 100));
    put2(buf + 24, (int)(us % 100));
    buf[26] = '\0';
    return true;
}

/* The two digits at p as a number, or -1 if either is not a digit.  (The
 * locale-free test: isdigit() would depend on the locale.) */
static int get2(const char *p)
{
    unsigned a = (unsigned)(unsigned char)p[0] - '0', b = (unsigned)(unsigned char)p[1] - '0';

    return a > 9 || b > 9 ? -1 : (int)(a * 10 + b);
}

bool assoc_cal_layout_ok(const char *text, size_t len)
{
    if (len != 19 && (len < 21 || len > 26 || text[19] != '.'))
        return false;
    return text[4] == '-' && text[7] == '-' && (text[10] == ' ' || text[10] == 'T') && text[13] == ':' &&
           text[16] == ':';
}

bool assoc_cal_parse_date(const char *text, int64_t *days)
{
    int yh = get2(text), yl = get2(text + 2), mo = get2(text + 5), d = get2(text + 8);

    /* (yh | yl) == 0 is year 0000, before the calendar's first year. */
    if ((yh | yl | mo | d) < 0 || (yh | yl) == 0 || mo < 1 || mo > 12 || d < 1 ||
        d > assoc_cal_days_in_month(yh * 100 + yl, mo))
        return false;
    *days = assoc_cal_days_from_civil(yh * 100 + yl, mo, d);
    return true;
}

bool assoc_cal_parse_clock(const char *text, size_t len, int64_t *us)
{
#ifdef ASSOC_CAL_SWAR
    /* The two forms SQLite's CURRENT_TIMESTAMP, SQLAlchemy and we write;
     * the layout is known to be right, so a refusal is the text's. */
    if (len == 19 || len == 26)
        return assoc_cal_clock_swar(text, len, us);
#endif
    int h = get2(text + 11), mi = get2(text + 14), s = get2(text + 17), frac = 0, scale = 100000;

    if ((h | mi | s) < 0 || h > 23 || mi > 59 || s > 59)
        return false;
    if (len == 26) { /* six digits of fraction: what we and SQLAlchemy write */
        int f1 = get2(text + 20), f2 = get2(text + 22), f3 = get2(text + 24);
        if ((f1 | f2 | f3) < 0)
            return false;
        frac = f1 * 10000 + f2 * 100 + f3;
    } else {
        for (size_t i = 20; i < len; i++, scale /= 10) {
            unsigned v = (unsigned)(unsigned char)text[i] - '0';
            if (v > 9)
                return false;
            frac += (int)v * scale;
        }
    }
    *us = (h * 3600 + mi * 60 + s) * CAL_US_PER_SEC + frac;
    return true;
}

bool assoc_cal_parse(const char *text, size_t len, bool date_only, int64_t *t)
{
    int64_t days, us = 0;

    if (text == NULL)
        return false;
    if (len == 10 && date_only) {
        if (text[4] != '-' || text[7] != '-' || !assoc_cal_parse_date(text, &days))
            return false;
    } else if (!assoc_cal_layout_ok(text, len) || !assoc_cal_parse_date(text, &days) || !assoc_cal_parse_clock(text, len, &us)) {
        return false;
    }
    *t = days * CAL_SEC_PER_DAY * CAL_US_PER_SEC + us;
    return true;
}
