//! Province-level prefixes of the address code (the first two digits, GB/T 2260).

use serde::Serialize;

/// A province-level division named by the first two digits of the address code.
///
/// `name_zh` is the short Chinese name (`江苏`, `内蒙古`, `广西`), the form
/// that other validators and most forms print; `name_en` is the customary
/// English name (`Jiangsu`, `Inner Mongolia`, `Guangxi`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Province {
    /// The two-digit prefix, e.g. `"32"`.
    pub code: String,
    /// Short Chinese name, e.g. `"江苏"`.
    pub name_zh: &'static str,
    /// Customary English name, e.g. `"Jiangsu"`.
    pub name_en: &'static str,
}

/// One row of [`PROVINCES`]; kept `'static` so lookups allocate only the returned code.
struct ProvinceEntry {
    code: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
}

const fn entry(code: &'static str, name_zh: &'static str, name_en: &'static str) -> ProvinceEntry {
    ProvinceEntry { code, name_zh, name_en }
}

/// Every accepted prefix. 11–65 are the 31 mainland provinces, municipalities
/// and autonomous regions; 71 is Taiwan in GB/T 2260; 81, 82 and 83 are the
/// prefixes of residence permits for Hong Kong, Macao and Taiwan residents.
const PROVINCES: [ProvinceEntry; 35] = [
    entry("11", "北京", "Beijing"),
    entry("12", "天津", "Tianjin"),
    entry("13", "河北", "Hebei"),
    entry("14", "山西", "Shanxi"),
    entry("15", "内蒙古", "Inner Mongolia"),
    entry("21", "辽宁", "Liaoning"),
    entry("22", "吉林", "Jilin"),
    entry("23", "黑龙江", "Heilongjiang"),
    entry("31", "上海", "Shanghai"),
    entry("32", "江苏", "Jiangsu"),
    entry("33", "浙江", "Zhejiang"),
    entry("34", "安徽", "Anhui"),
    entry("35", "福建", "Fujian"),
    entry("36", "江西", "Jiangxi"),
    entry("37", "山东", "Shandong"),
    entry("41", "河南", "Henan"),
    entry("42", "湖北", "Hubei"),
    entry("43", "湖南", "Hunan"),
    entry("44", "广东", "Guangdong"),
    entry("45", "广西", "Guangxi"),
    entry("46", "海南", "Hainan"),
    entry("50", "重庆", "Chongqing"),
    entry("51", "四川", "Sichuan"),
    entry("52", "贵州", "Guizhou"),
    entry("53", "云南", "Yunnan"),
    entry("54", "西藏", "Tibet"),
    entry("61", "陕西", "Shaanxi"),
    entry("62", "甘肃", "Gansu"),
    entry("63", "青海", "Qinghai"),
    entry("64", "宁夏", "Ningxia"),
    entry("65", "新疆", "Xinjiang"),
    entry("71", "台湾", "Taiwan"),
    entry("81", "香港", "Hong Kong"),
    entry("82", "澳门", "Macao"),
    entry("83", "台湾", "Taiwan"),
];

impl Province {
    /// The province for a two-digit prefix such as `"32"`; `None` for any other input.
    pub fn from_code(code: &str) -> Option<Self> {
        PROVINCES.iter().find(|entry| entry.code == code).map(Self::from_entry)
    }

    /// Every accepted prefix, in ascending code order.
    pub fn all() -> impl Iterator<Item = Self> {
        PROVINCES.iter().map(Self::from_entry)
    }

    fn from_entry(entry: &ProvinceEntry) -> Self {
        Self {
            code: entry.code.to_owned(),
            name_zh: entry.name_zh,
            name_en: entry.name_en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exactly_the_listed_prefixes() {
        let codes: Vec<String> = Province::all().map(|province| province.code).collect();
        let expected: Vec<String> = (11..=15)
            .chain(21..=23)
            .chain(31..=37)
            .chain(41..=46)
            .chain(50..=54)
            .chain(61..=65)
            .chain([71, 81, 82, 83])
            .map(|code: u32| code.to_string())
            .collect();
        assert_eq!(codes, expected);
    }

    #[test]
    fn looks_up_short_chinese_and_english_names() {
        let jiangsu = Province::from_code("32").unwrap();
        assert_eq!(jiangsu.name_zh, "江苏");
        assert_eq!(jiangsu.name_en, "Jiangsu");
        assert_eq!(Province::from_code("15").unwrap().name_zh, "内蒙古");
        assert_eq!(Province::from_code("61").unwrap().name_en, "Shaanxi");
        assert_eq!(Province::from_code("14").unwrap().name_en, "Shanxi");
    }

    #[test]
    fn rejects_unknown_and_malformed_prefixes() {
        for code in [
            "00", "10", "16", "20", "24", "47", "55", "66", "72", "84", "99", "3", "320", "",
        ] {
            assert_eq!(Province::from_code(code), None, "{code}");
        }
    }
}
