/**
 * The word lists synthetic identities are drawn from. Chinese names carry their pinyin so the
 * e-mail address can be spelled from them. Changing a list changes the identities drawn from it:
 * append rather than reorder, and expect snapshot tests to move.
 */

/** [Han characters, pinyin] */
export type Romanised = readonly [string, string];

export const CHINESE_SURNAMES: readonly Romanised[] = [
  ['王', 'wang'],
  ['李', 'li'],
  ['张', 'zhang'],
  ['刘', 'liu'],
  ['陈', 'chen'],
  ['杨', 'yang'],
  ['黄', 'huang'],
  ['赵', 'zhao'],
  ['吴', 'wu'],
  ['周', 'zhou'],
  ['徐', 'xu'],
  ['孙', 'sun'],
  ['马', 'ma'],
  ['朱', 'zhu'],
  ['胡', 'hu'],
  ['郭', 'guo'],
  ['何', 'he'],
  ['林', 'lin'],
  ['罗', 'luo'],
  ['高', 'gao'],
  ['梁', 'liang'],
  ['郑', 'zheng'],
  ['谢', 'xie'],
  ['宋', 'song'],
  ['唐', 'tang'],
  ['韩', 'han'],
  ['冯', 'feng'],
  ['邓', 'deng'],
  ['曹', 'cao'],
  ['欧阳', 'ouyang'],
];

/** Given names usually given to girls, then to boys (a gender column picks one list; else both). */
export const CHINESE_FEMALE_GIVEN_NAMES: readonly Romanised[] = [
  ['秀英', 'xiuying'],
  ['桂英', 'guiying'],
  ['秀兰', 'xiulan'],
  ['玉兰', 'yulan'],
  ['秀珍', 'xiuzhen'],
  ['凤英', 'fengying'],
  ['海燕', 'haiyan'],
  ['丽娟', 'lijuan'],
  ['婷', 'ting'],
  ['静', 'jing'],
  ['敏', 'min'],
  ['芳', 'fang'],
  ['娜', 'na'],
  ['欣怡', 'xinyi'],
  ['梓萱', 'zixuan'],
  ['一诺', 'yinuo'],
  ['雨涵', 'yuhan'],
];

export const CHINESE_MALE_GIVEN_NAMES: readonly Romanised[] = [
  ['伟', 'wei'],
  ['强', 'qiang'],
  ['磊', 'lei'],
  ['军', 'jun'],
  ['勇', 'yong'],
  ['杰', 'jie'],
  ['涛', 'tao'],
  ['明', 'ming'],
  ['建华', 'jianhua'],
  ['建国', 'jianguo'],
  ['志强', 'zhiqiang'],
  ['晓明', 'xiaoming'],
  ['浩然', 'haoran'],
  ['宇轩', 'yuxuan'],
  ['思远', 'siyuan'],
  ['子豪', 'zihao'],
  ['俊杰', 'junjie'],
];

/** Both lists, in this order: identities drawn without a gender stay the same as before the split. */
export const CHINESE_GIVEN_NAMES: readonly Romanised[] = [
  ...CHINESE_FEMALE_GIVEN_NAMES,
  ...CHINESE_MALE_GIVEN_NAMES,
];

export interface ChineseCity {
  city: string;
  districts: readonly { name: string; postalCode: string }[];
  streets: readonly string[];
}

export const CHINESE_CITIES: readonly ChineseCity[] = [
  {
    city: '上海市',
    districts: [
      { name: '浦东新区', postalCode: '200120' },
      { name: '徐汇区', postalCode: '200030' },
      { name: '静安区', postalCode: '200040' },
      { name: '黄浦区', postalCode: '200001' },
      { name: '长宁区', postalCode: '200050' },
      { name: '杨浦区', postalCode: '200082' },
    ],
    streets: ['世纪大道', '南京西路', '淮海中路', '张杨路', '衡山路', '四川北路'],
  },
  {
    city: '北京市',
    districts: [
      { name: '朝阳区', postalCode: '100020' },
      { name: '海淀区', postalCode: '100080' },
      { name: '东城区', postalCode: '100010' },
      { name: '西城区', postalCode: '100032' },
    ],
    streets: ['建国路', '中关村大街', '东长安街', '复兴门内大街', '三里屯路'],
  },
  {
    city: '广州市',
    districts: [
      { name: '天河区', postalCode: '510620' },
      { name: '越秀区', postalCode: '510030' },
      { name: '海珠区', postalCode: '510220' },
    ],
    streets: ['天河路', '中山五路', '江南大道', '环市东路'],
  },
  {
    city: '深圳市',
    districts: [
      { name: '南山区', postalCode: '518052' },
      { name: '福田区', postalCode: '518048' },
    ],
    streets: ['深南大道', '科技园路', '福华路', '滨海大道'],
  },
  {
    city: '杭州市',
    districts: [
      { name: '西湖区', postalCode: '310012' },
      { name: '上城区', postalCode: '310002' },
    ],
    streets: ['文三路', '延安路', '西湖大道', '庆春路'],
  },
  {
    city: '成都市',
    districts: [
      { name: '锦江区', postalCode: '610021' },
      { name: '武侯区', postalCode: '610041' },
    ],
    streets: ['春熙路', '人民南路', '红星路', '科华北路'],
  },
  {
    city: '南京市',
    districts: [
      { name: '鼓楼区', postalCode: '210008' },
      { name: '玄武区', postalCode: '210018' },
    ],
    streets: ['中山路', '北京东路', '珠江路', '汉中路'],
  },
];

export const WESTERN_FEMALE_GIVEN_NAMES: readonly string[] = [
  'Margaret',
  'Susan',
  'Elizabeth',
  'Patricia',
  'Helen',
  'Catherine',
  'Sarah',
  'Emma',
  'Rachel',
  'Joanne',
  'Charlotte',
  'Sophie',
  'Amelia',
  'Olivia',
  'Priya',
  'Aisha',
  'Fiona',
  'Gemma',
];

export const WESTERN_MALE_GIVEN_NAMES: readonly string[] = [
  'David',
  'John',
  'James',
  'Peter',
  'William',
  'Thomas',
  'Richard',
  'Michael',
  'George',
  'Daniel',
  'Christopher',
  'Andrew',
  'Oliver',
  'Harry',
  'Mohammed',
  'Rajesh',
  'Callum',
  'Owen',
];

export const WESTERN_GIVEN_NAMES: readonly string[] = [
  ...WESTERN_FEMALE_GIVEN_NAMES,
  ...WESTERN_MALE_GIVEN_NAMES,
];

export const WESTERN_SURNAMES: readonly string[] = [
  'Smith',
  'Jones',
  'Williams',
  'Taylor',
  'Brown',
  'Davies',
  'Evans',
  'Wilson',
  'Thomas',
  'Roberts',
  'Robinson',
  'Thompson',
  'Wright',
  'Walker',
  'White',
  'Edwards',
  'Hughes',
  'Green',
  'Hall',
  'Lewis',
  'Harris',
  'Clarke',
  'Patel',
  'Jackson',
  'Wood',
  'Turner',
  'Cooper',
  'Morgan',
  'Bennett',
  'Griffiths',
  "O'Brien",
  'Khan',
  'Murphy',
  'Campbell',
  'MacLeod',
  'Ashworth',
];

export interface UkTown {
  city: string;
  /** Outward codes of real postcode districts of the town. */
  outward: readonly string[];
}

export const UK_TOWNS: readonly UkTown[] = [
  { city: 'London', outward: ['SW4', 'N1', 'E8', 'SE15', 'NW3', 'W6'] },
  { city: 'Manchester', outward: ['M1', 'M4', 'M20'] },
  { city: 'Birmingham', outward: ['B1', 'B15', 'B30'] },
  { city: 'Leeds', outward: ['LS1', 'LS6'] },
  { city: 'Bristol', outward: ['BS1', 'BS8'] },
  { city: 'Edinburgh', outward: ['EH1', 'EH3'] },
  { city: 'Glasgow', outward: ['G1', 'G12'] },
  { city: 'Cardiff', outward: ['CF10', 'CF24'] },
  { city: 'Liverpool', outward: ['L1', 'L17'] },
  { city: 'Sheffield', outward: ['S1', 'S10'] },
  { city: 'Oxford', outward: ['OX1', 'OX4'] },
  { city: 'York', outward: ['YO1', 'YO10'] },
  { city: 'Norwich', outward: ['NR1', 'NR2'] },
];

export const UK_STREET_NAMES: readonly string[] = [
  'Acacia',
  'Church',
  'Station',
  'Victoria',
  'Park',
  'Mill',
  "Queen's",
  'Albert',
  'Manor',
  'Orchard',
  'Chestnut',
  'Grange',
  'Meadow',
  'Springfield',
  'Windsor',
  'Highfield',
];

export const UK_STREET_KINDS: readonly string[] = [
  'Road',
  'Street',
  'Avenue',
  'Lane',
  'Close',
  'Gardens',
  'Crescent',
  'Drive',
  'Grove',
  'Terrace',
];

/** Letters allowed in the inward part of a UK postcode (no C, I, K, M, O, V). */
export const UK_INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
