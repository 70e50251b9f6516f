//! People for Chinese Resident Identity Cards (第二代居民身份证), with the
//! rules the card's data obeys.
//!
//! # The citizen identity number (GB 11643-1999)
//!
//! Eighteen characters: the 6-digit administrative division code of the
//! place of registration (a real county-level code: 110101 北京市东城区,
//! 440305 深圳市南山区, …; the address and the issuing authority are of the
//! same place), the birth date `YYYYMMDD`, a 3-digit sequence code whose last
//! digit is odd for men and even for women, and the ISO 7064 MOD 11-2 check
//! character (`0`–`9` or `X`), computed by `openkyc-cnid`.
//!
//! # Validity (居民身份证法, article 5)
//!
//! By the holder's age in full years on the day of issue: under 16, five
//! years; 16–25, ten years; 26–45, twenty years; 46 and over, long-term
//! (长期, no end date). A dated card ends on the same month and day as its
//! issue (`2015.03.02-2025.03.02`; an issue on 29 February ends on the 28th).
//!
//! # Addresses
//!
//! Province, city and district as the division code names them, a street,
//! a house number and, on the longer ones, a compound, building, unit and
//! room; 11 to 35 characters. The card sets the address on a grid of 11
//! full-width cells a line (a digit or Latin letter takes half a cell) and
//! breaks a line wherever the next character does not fit, also inside a
//! number, as the card's printer does ([`address_lines`]); the generated
//! addresses take one to three lines.
//!
//! # The generated set
//!
//! [`cn_identities`] starts with a fixed specimen (王秀英, female, Han, born
//! 1949-12-31, number 11010519491231002X: the worked example printed in
//! GB 11643-1999, registered in 北京市朝阳区; issued 2008-06-16 at 58, so
//! long-term), then seeded people: names of 2–4 characters with compound
//! surnames (欧阳, 司马, …) and rare given-name characters (堃, 喆, 燚, 䶮, …)
//! that readers' character tables may lack (every fifth person and a few
//! more), Han ethnicity seven times in ten, among every six people one
//! expired card, one that expires within 30 days and one long-term card, and
//! a long address for every fourth person and a few more.

use crate::draw::cell_units;
use crate::identity::Dice;
use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// Full-width cells in one line of the card's address (住址).
pub const ADDRESS_LINE_CELLS: f32 = 11.0;
/// The printed validity end of a long-term card.
pub const LONG_TERM: &str = "长期";

/// One holder of a Chinese Resident Identity Card and the card's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CnIdentity {
    /// Name in Chinese characters (姓名), 2–4 characters.
    pub name: String,
    /// `M` or `F` (printed 男 / 女).
    pub sex: char,
    /// Ethnicity (民族) as printed, without 族: 汉, 回, 蒙古, 维吾尔, …
    pub ethnicity: String,
    /// Date of birth (出生).
    pub birth_date: NaiveDate,
    /// Address (住址), one string; the card wraps it ([`address_lines`]).
    pub address: String,
    /// The 18-character citizen identity number (公民身份号码).
    pub id_number: String,
    /// Issuing authority (签发机关), the public security bureau of the
    /// registration place.
    pub issuing_authority: String,
    /// First day of validity (the issue date).
    pub valid_from: NaiveDate,
    /// Last day of validity; `None` for a long-term (长期) card.
    pub valid_until: Option<NaiveDate>,
}

impl CnIdentity {
    /// The sex as the card prints it: 男 or 女.
    pub fn sex_printed(&self) -> &'static str {
        if self.sex == 'M' {
            "男"
        } else {
            "女"
        }
    }

    /// The validity as the back prints it: `2015.03.02-2035.03.02` or
    /// `2015.03.02-长期`.
    pub fn validity_printed(&self) -> String {
        let end = self
            .valid_until
            .map_or_else(|| LONG_TERM.to_owned(), |d| d.format("%Y.%m.%d").to_string());
        format!("{}-{end}", self.valid_from.format("%Y.%m.%d"))
    }

    /// The front's (portrait side's) fields, named as the reading report
    /// names them: `name_native`, `sex` (`M`/`F`, as on MRZ documents),
    /// `ethnicity`, `birth_date` (`YYYY-MM-DD`), `address` (joined, no line
    /// breaks), `id_number`.
    pub fn front_fields(&self) -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("name_native", self.name.clone()),
            ("sex", self.sex.to_string()),
            ("ethnicity", self.ethnicity.clone()),
            ("birth_date", iso(self.birth_date)),
            ("address", self.address.clone()),
            ("id_number", self.id_number.clone()),
        ])
    }

    /// The back's (emblem side's) fields: `issuing_authority`, `valid_from`
    /// (`YYYY-MM-DD`), `valid_until` (`YYYY-MM-DD` or the literal `长期`).
    pub fn back_fields(&self) -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("issuing_authority", self.issuing_authority.clone()),
            ("valid_from", iso(self.valid_from)),
            (
                "valid_until",
                self.valid_until.map_or_else(|| LONG_TERM.to_owned(), iso),
            ),
        ])
    }
}

fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The holder's age in full years on `day` (0 before the first birthday).
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    let years = day.year() - birth.year() - i32::from((day.month(), day.day()) < (birth.month(), birth.day()));
    u32::try_from(years).unwrap_or(0)
}

/// Years of validity for a card issued at `age_at_issue`: 5, 10, 20, or
/// `None` for long-term (46 and over).
pub fn validity_years(age_at_issue: u32) -> Option<u32> {
    match age_at_issue {
        0..=15 => Some(5),
        16..=25 => Some(10),
        26..=45 => Some(20),
        _ => None,
    }
}

/// The last day of validity of a card issued on `valid_from` to someone born
/// on `birth`; `None` for long-term.
pub fn valid_until(birth: NaiveDate, valid_from: NaiveDate) -> Option<NaiveDate> {
    let years = validity_years(age_on(birth, valid_from))?;
    Some(add_years(valid_from, years))
}

/// `date` plus whole years; 29 February becomes the 28th in a common year.
fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(Months::new(12 * years)).unwrap_or(date)
}

fn sub_years(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(12 * years)).unwrap_or(date)
}

/// The address as the card sets it: lines of at most
/// [`ADDRESS_LINE_CELLS`] cells (an ASCII character takes half a cell),
/// broken wherever the next character does not fit. Joining the lines gives
/// the address back.
pub fn address_lines(address: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0.0;
    for c in address.chars() {
        let cells = cell_units(c);
        if used + cells > ADDRESS_LINE_CELLS && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0.0;
        }
        line.push(c);
        used += cells;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A registration place: its division code, the address prefix, the
/// issuing authority and a few of its streets.
struct Region {
    code: &'static str,
    place: &'static str,
    authority: &'static str,
    streets: &'static [&'static str],
}

const REGIONS: &[Region] = &[
    Region {
        code: "110101",
        place: "北京市东城区",
        authority: "北京市公安局东城分局",
        streets: &["景山前街", "东四十条", "王府井大街", "和平里东街"],
    },
    Region {
        code: "110105",
        place: "北京市朝阳区",
        authority: "北京市公安局朝阳分局",
        streets: &["建国路", "朝阳门外大街", "望京街", "安立路"],
    },
    Region {
        code: "120101",
        place: "天津市和平区",
        authority: "天津市公安局和平分局",
        streets: &["南京路", "滨江道", "营口道", "成都道"],
    },
    Region {
        code: "150102",
        place: "内蒙古自治区呼和浩特市新城区",
        authority: "呼和浩特市公安局新城区分局",
        streets: &["新华大街", "中山东路", "兴安北路"],
    },
    Region {
        code: "210102",
        place: "辽宁省沈阳市和平区",
        authority: "沈阳市公安局和平分局",
        streets: &["中华路", "南京北街", "太原北街", "三好街"],
    },
    Region {
        code: "222401",
        place: "吉林省延吉市",
        authority: "延吉市公安局",
        streets: &["光明街", "人民路", "新兴街"],
    },
    Region {
        code: "310104",
        place: "上海市徐汇区",
        authority: "上海市公安局徐汇分局",
        streets: &["漕溪北路", "衡山路", "虹桥路", "天钥桥路"],
    },
    Region {
        code: "310115",
        place: "上海市浦东新区",
        authority: "上海市公安局浦东分局",
        streets: &["世纪大道", "张杨路", "陆家嘴环路", "川沙路"],
    },
    Region {
        code: "320102",
        place: "江苏省南京市玄武区",
        authority: "南京市公安局玄武分局",
        streets: &["中山路", "北京东路", "珠江路", "龙蟠路"],
    },
    Region {
        code: "330106",
        place: "浙江省杭州市西湖区",
        authority: "杭州市公安局西湖区分局",
        streets: &["文三路", "天目山路", "北山街", "古墩路"],
    },
    Region {
        code: "420106",
        place: "湖北省武汉市武昌区",
        authority: "武汉市公安局武昌区分局",
        streets: &["中南路", "武珞路", "中北路", "积玉桥街"],
    },
    Region {
        code: "433101",
        place: "湖南省吉首市",
        authority: "吉首市公安局",
        streets: &["人民北路", "世纪大道", "武陵东路"],
    },
    Region {
        code: "440106",
        place: "广东省广州市天河区",
        authority: "广州市公安局天河区分局",
        streets: &["天河路", "体育西路", "中山大道西", "员村二横路"],
    },
    Region {
        code: "440305",
        place: "广东省深圳市南山区",
        authority: "深圳市公安局南山分局",
        streets: &["深南大道", "南海大道", "科苑路", "蛇口新街"],
    },
    Region {
        code: "450103",
        place: "广西壮族自治区南宁市青秀区",
        authority: "南宁市公安局青秀分局",
        streets: &["民族大道", "东葛路", "竹溪大道"],
    },
    Region {
        code: "500103",
        place: "重庆市渝中区",
        authority: "重庆市公安局渝中区分局",
        streets: &["民族路", "中山四路", "大坪正街", "上清寺路"],
    },
    Region {
        code: "510104",
        place: "四川省成都市锦江区",
        authority: "成都市公安局锦江区分局",
        streets: &["春熙路", "东大街", "水井街", "牛市口路"],
    },
    Region {
        code: "610113",
        place: "陕西省西安市雁塔区",
        authority: "西安市公安局雁塔分局",
        streets: &["长安南路", "小寨东路", "雁塔西路", "科技路"],
    },
    Region {
        code: "640104",
        place: "宁夏回族自治区银川市兴庆区",
        authority: "银川市公安局兴庆区分局",
        streets: &["解放西街", "文化东街", "民族北街"],
    },
    Region {
        code: "650102",
        place: "新疆维吾尔自治区乌鲁木齐市天山区",
        authority: "乌鲁木齐市公安局天山区分局",
        streets: &["解放南路", "人民路", "新华南路"],
    },
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const COMPOUND_SURNAMES: &[&str] = &["欧阳", "司马", "上官", "诸葛", "司徒", "皇甫"];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "桂", "英", "华", "玉", "兰", "红", "建", "国", "文", "辉", "晨", "宇", "浩", "子", "涵", "欣", "怡",
    "梓", "萱", "思", "雨", "博", "俊", "轩", "嘉", "佳", "琪", "婷", "雪", "颖", "鹏", "飞", "凯", "斌", "慧", "晓",
    "林", "海", "波",
];
/// Characters that occur in real given names but are rare in text (and so
/// in OCR training data): 镕, 堃, 燚, …, and 䶮 from CJK Extension A.
const RARE_GIVEN: &[&str] = &[
    "堃", "喆", "珺", "昱", "婕", "燚", "鑫", "淼", "垚", "犇", "龑", "䶮", "玥", "芃", "奡", "赟", "翀", "珏", "曌",
    "镕", "骉", "昇", "淏", "祎", "琰",
];

/// Whether `c` is one of the rare given-name characters the generator
/// puts into about one name in five (for scoring readers separately on
/// them: some are outside common OCR character tables).
pub fn is_rare_name_character(c: char) -> bool {
    let mut buffer = [0u8; 4];
    RARE_GIVEN.contains(&&*c.encode_utf8(&mut buffer))
}
const MINORITIES: &[&str] = &["回", "满", "壮", "蒙古", "维吾尔", "土家", "朝鲜", "苗", "藏", "彝"];
const COMPOUNDS: &[&str] = &[
    "阳光花园",
    "锦绣家园",
    "翠苑小区",
    "幸福里小区",
    "金桥公寓",
    "碧水蓝天小区",
    "紫荆苑",
];

/// The fixed first person: the number is GB 11643-1999's worked example.
fn specimen() -> CnIdentity {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    let birth_date = date(1949, 12, 31);
    let valid_from = date(2008, 6, 16);
    CnIdentity {
        name: "王秀英".into(),
        sex: 'F',
        ethnicity: "汉".into(),
        birth_date,
        address: "北京市朝阳区建国路88号".into(),
        id_number: "11010519491231002X".into(),
        issuing_authority: "北京市公安局朝阳分局".into(),
        valid_from,
        valid_until: valid_until(birth_date, valid_from),
    }
}

/// `n` Chinese card holders for `seed`: the specimen first (see the module
/// docs), then seeded people whose cards were issued on or before `today`.
pub fn cn_identities(seed: u64, n: usize, today: NaiveDate) -> Vec<CnIdentity> {
    let mut dice = Dice::new(seed ^ 0xC41D);
    let mut out = Vec::with_capacity(n);
    if n > 0 {
        out.push(specimen());
    }
    while out.len() < n {
        let index = out.len();
        out.push(random_cn_identity(&mut dice, index, today));
    }
    out
}

/// Where a card stands against `today`.
#[derive(Clone, Copy)]
enum Standing {
    Valid,
    Expired,
    ExpiringSoon,
    LongTerm,
}

/// The standing of person `index`: one of each kind in every six, the rest
/// drawn (mostly valid).
fn standing(dice: &mut Dice, index: usize) -> Standing {
    match index % 6 {
        1 => Standing::ExpiringSoon,
        2 => Standing::Expired,
        3 => Standing::LongTerm,
        _ => [Standing::Valid, Standing::Valid, Standing::Valid, Standing::Expired][dice.below(4)],
    }
}

fn random_cn_identity(dice: &mut Dice, index: usize, today: NaiveDate) -> CnIdentity {
    let standing = standing(dice, index);
    let (valid_from, age_at_issue) = issue(dice, standing, today);
    let birth_date = birth_for_age(dice, valid_from, age_at_issue);
    let sex = if dice.below(2) == 0 { 'M' } else { 'F' };
    let region = REGIONS.get(dice.below(REGIONS.len())).unwrap_or(&REGIONS[0]);
    let rare = index % 5 == 1 || dice.below(20) == 0;
    let long_address = index % 4 == 2 || dice.below(5) == 0;
    let compound_surname = index % 7 == 4 || dice.below(10) == 0;
    let ethnicity = if dice.below(10) < 7 {
        "汉"
    } else {
        dice.pick(MINORITIES)
    };
    let name = name(dice, compound_surname, rare);
    let address = address(dice, region, long_address);
    let id_number = id_number(dice, region.code, birth_date, sex);
    CnIdentity {
        name,
        sex,
        ethnicity: ethnicity.to_owned(),
        birth_date,
        address,
        id_number,
        issuing_authority: region.authority.to_owned(),
        valid_from,
        valid_until: valid_until(birth_date, valid_from),
    }
}

/// The issue date and the holder's age then, for a card of `standing`.
fn issue(dice: &mut Dice, standing: Standing, today: NaiveDate) -> (NaiveDate, u32) {
    let days = |dice: &mut Dice, lo: usize, hi: usize| Duration::days((lo + dice.below(hi - lo + 1)) as i64);
    if let Standing::LongTerm = standing {
        return (today - days(dice, 0, 20 * 365), 46 + dice.below(30) as u32);
    }
    // A dated card: its age bracket fixes its length.
    let (years, age) = match dice.below(3) {
        0 => (5, dice.below(16) as u32),
        1 => (10, 16 + dice.below(10) as u32),
        _ => (20, 26 + dice.below(20) as u32),
    };
    let valid_from = match standing {
        // Ends 2–29 days from today (a leap day moves the end by one at most).
        Standing::ExpiringSoon => sub_years(today + days(dice, 2, 29), years),
        // Ended within the last four years (so even a twenty-year card is a
        // second-generation one, issued since 2004).
        Standing::Expired => sub_years(today - days(dice, 1, 4 * 365), years),
        _ => today - days(dice, 0, years as usize * 365 - 40),
    };
    (valid_from, age)
}

/// A birth date that makes the holder exactly `age` on `day`.
fn birth_for_age(dice: &mut Dice, day: NaiveDate, age: u32) -> NaiveDate {
    let latest = sub_years(day, age);
    let earliest = sub_years(day, age + 1) + Duration::days(1);
    let span = (latest - earliest).num_days().max(0) as usize;
    earliest + Duration::days(dice.below(span + 1) as i64)
}

fn name(dice: &mut Dice, compound_surname: bool, rare: bool) -> String {
    let surname = dice.pick(if compound_surname { COMPOUND_SURNAMES } else { SURNAMES });
    let given_len = 1 + dice.below(2);
    let rare_at = if rare { Some(dice.below(given_len)) } else { None };
    let given: String = (0..given_len)
        .map(|i| dice.pick(if rare_at == Some(i) { RARE_GIVEN } else { GIVEN }))
        .collect();
    format!("{surname}{given}")
}

/// The longest of place + street + number (+ compound + building detail)
/// that fits three lines and 35 characters; a long one keeps every part it
/// can, a short one stops at the number.
fn address(dice: &mut Dice, region: &Region, long: bool) -> String {
    let street = dice.pick(region.streets);
    let base = format!("{}{street}{}号", region.place, 1 + dice.below(300));
    let details = [
        dice.pick(COMPOUNDS).to_owned(),
        format!("{}栋{}单元", 1 + dice.below(30), 1 + dice.below(6)),
        format!("{}室", 100 * (1 + dice.below(32)) + 1 + dice.below(4)),
    ];
    let fits = |text: &str| text.chars().count() <= 35 && address_lines(text).len() <= 3;
    let mut best = base.clone();
    let wanted = if long {
        details.len()
    } else {
        usize::from(base.chars().count() < 11)
    };
    for count in 1..=wanted {
        let candidate = format!("{base}{}", details[..count].concat());
        if fits(&candidate) {
            best = candidate;
        }
    }
    best
}

/// Division code + birth date + sequence (last digit odd for men, even for
/// women) + the MOD 11-2 check character.
fn id_number(dice: &mut Dice, code: &str, birth: NaiveDate, sex: char) -> String {
    let parity = usize::from(sex == 'M');
    let sequence = 10 * dice.below(100) + 2 * dice.below(5) + parity;
    // Keep clear of the all-zero sequence; adding 2 keeps the parity.
    let sequence = if sequence < 2 { sequence + 2 } else { sequence };
    let body = format!("{code}{}{sequence:03}", birth.format("%Y%m%d"));
    let check = openkyc_cnid::check_character(&body).unwrap_or('0');
    format!("{body}{check}")
}

/// Every text the generator can print as a value, for checking the fonts.
#[cfg(test)]
pub(crate) fn vocabulary() -> String {
    let mut all = String::new();
    for r in REGIONS {
        all.extend([r.place, r.authority]);
        all.extend(r.streets.iter().copied());
    }
    for list in [SURNAMES, COMPOUND_SURNAMES, GIVEN, RARE_GIVEN, MINORITIES, COMPOUNDS] {
        all.extend(list.iter().copied());
    }
    all.push_str("汉栋单元室号男女长期0123456789X.-");
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use openkyc_cnid::Sex;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn same_seed_same_people_and_the_specimen_first() {
        let a = cn_identities(3, 40, today());
        assert_eq!(a, cn_identities(3, 40, today()));
        assert_ne!(a, cn_identities(4, 40, today()));
        assert_eq!(a[0], specimen());
        assert_eq!(a[0].id_number, "11010519491231002X");
        assert_eq!(a[0].validity_printed(), "2008.06.16-长期");
        assert!(cn_identities(3, 0, today()).is_empty());
    }

    #[test]
    fn id_numbers_are_valid_and_agree_with_birth_date_sex_and_region() {
        for p in cn_identities(9, 300, today()) {
            let parsed = openkyc_cnid::parse(&p.id_number, today()).unwrap_or_else(|e| panic!("{p:?}: {e:?}"));
            assert_eq!(parsed.normalized, p.id_number);
            assert_eq!(parsed.birth_date, p.birth_date);
            assert_eq!(parsed.sex, if p.sex == 'M' { Sex::Male } else { Sex::Female });
            let region = REGIONS.iter().find(|r| r.code == parsed.region_code).unwrap();
            assert!(p.address.starts_with(region.place), "{p:?}");
            assert_eq!(p.issuing_authority, region.authority);
        }
    }

    #[test]
    fn validity_follows_the_age_rule() {
        for p in cn_identities(5, 300, today()) {
            assert!(p.valid_from <= today() && p.birth_date <= p.valid_from, "{p:?}");
            let age = age_on(p.birth_date, p.valid_from);
            match p.valid_until {
                None => assert!(age >= 46, "{p:?}"),
                Some(end) => {
                    let years = if age < 16 {
                        5
                    } else if age <= 25 {
                        10
                    } else {
                        20
                    };
                    assert!(age <= 45, "{p:?}");
                    assert_eq!(end.year() - p.valid_from.year(), years, "{p:?}");
                    assert_eq!(end.month(), p.valid_from.month(), "{p:?}");
                }
            }
        }
    }

    #[test]
    fn the_rule_at_its_boundaries() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(age_on(d(2000, 3, 2), d(2016, 3, 1)), 15);
        assert_eq!(age_on(d(2000, 3, 2), d(2016, 3, 2)), 16);
        assert_eq!(valid_until(d(2000, 3, 2), d(2016, 3, 1)), Some(d(2021, 3, 1)));
        assert_eq!(valid_until(d(2000, 3, 2), d(2016, 3, 2)), Some(d(2026, 3, 2)));
        assert_eq!(valid_until(d(1990, 1, 1), d(2015, 12, 31)), Some(d(2025, 12, 31)));
        assert_eq!(valid_until(d(1990, 1, 1), d(2016, 1, 1)), Some(d(2036, 1, 1)));
        assert_eq!(valid_until(d(1970, 1, 1), d(2015, 12, 31)), Some(d(2035, 12, 31)));
        assert_eq!(valid_until(d(1970, 1, 1), d(2016, 1, 1)), None);
        assert_eq!(valid_until(d(1990, 1, 1), d(2016, 2, 29)), Some(d(2036, 2, 29)));
        assert_eq!(valid_until(d(2005, 1, 1), d(2016, 2, 29)), Some(d(2021, 2, 28)));
    }

    #[test]
    fn the_set_has_expired_expiring_long_term_rare_and_long_cases() {
        let people = cn_identities(1, 24, today());
        let count = |f: &dyn Fn(&CnIdentity) -> bool| people.iter().filter(|p| f(p)).count();
        assert!(count(&|p| p.valid_until.is_some_and(|d| d < today())) >= 3);
        assert!(
            count(&|p| p
                .valid_until
                .is_some_and(|d| d >= today() && d <= today() + Duration::days(30)))
                >= 3
        );
        assert!(count(&|p| p.valid_until.is_none()) >= 3);
        assert!(count(&|p| p.name.chars().any(|c| RARE_GIVEN.contains(&c.to_string().as_str()))) >= 4);
        assert!(is_rare_name_character('骉') && is_rare_name_character('䶮') && !is_rare_name_character('王'));
        assert!(count(&|p| COMPOUND_SURNAMES.iter().any(|s| p.name.starts_with(s))) >= 2);
        assert!(count(&|p| address_lines(&p.address).len() == 3) >= 3);
        assert!(count(&|p| p.ethnicity != "汉") >= 2);
        assert!(count(&|p| p.sex == 'M') >= 3 && count(&|p| p.sex == 'F') >= 3);
    }

    #[test]
    fn names_and_addresses_have_their_lengths() {
        for p in cn_identities(7, 300, today()) {
            assert!((2..=4).contains(&p.name.chars().count()), "{p:?}");
            assert!((11..=35).contains(&p.address.chars().count()), "{p:?}");
            assert!((1..=3).contains(&address_lines(&p.address).len()), "{p:?}");
        }
    }

    #[test]
    fn address_wrapping_keeps_every_character_and_the_line_width() {
        let long = "新疆维吾尔自治区乌鲁木齐市天山区解放南路123号碧水蓝天小区12栋3单元";
        let lines = address_lines(long);
        assert_eq!(lines.concat(), long);
        assert_eq!(lines[0], "新疆维吾尔自治区乌鲁木");
        // 123 fits on the second line, 号 (a whole cell) does not.
        assert_eq!(lines[1], "齐市天山区解放南路123");
        assert_eq!(lines.len(), 4);
        let cells = |l: &str| l.chars().map(cell_units).sum::<f32>();
        assert!(lines.iter().all(|l| cells(l) <= ADDRESS_LINE_CELLS));
        // Half-width digits: 22 of them fill one line exactly.
        let digits = "1234567890123456789012";
        assert_eq!(address_lines(digits), [digits]);
        assert_eq!(address_lines(&format!("{digits}3")).len(), 2);
        assert!(address_lines("").is_empty());
        for p in cn_identities(2, 200, today()) {
            assert_eq!(address_lines(&p.address).concat(), p.address);
        }
    }

    #[test]
    fn fields_are_named_as_the_report_names_them() {
        let p = specimen();
        let front = p.front_fields();
        assert_eq!(front["name_native"], "王秀英");
        assert_eq!(front["sex"], "F");
        assert_eq!(front["birth_date"], "1949-12-31");
        assert_eq!(front["address"], p.address);
        let back = p.back_fields();
        assert_eq!(back["valid_from"], "2008-06-16");
        assert_eq!(back["valid_until"], "长期");
        assert_eq!(back["issuing_authority"], "北京市公安局朝阳分局");
        let dated = CnIdentity {
            valid_until: NaiveDate::from_ymd_opt(2028, 6, 16),
            ..p
        };
        assert_eq!(dated.back_fields()["valid_until"], "2028-06-16");
        assert_eq!(dated.validity_printed(), "2008.06.16-2028.06.16");
    }
}
