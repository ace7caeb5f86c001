import type { UiLocale } from './index.ts';

/**
 * The asset library's strings (issue 21 item 3), kept beside the shared dictionaries so the pages
 * of one feature change one file; both languages are required by the type.
 */
const enGB = {
  assets: 'Images',
  assetsIntro:
    'Logos and pictures for offers and templates. Uploads are checked (PNG, JPEG or SVG without scripts or links to other files; at most 2 MB and 4000 × 4000 px) and re-encoded; an SVG is kept as a PNG.',
  upload: 'Upload an image',
  file: 'File',
  uploadButton: 'Upload',
  uploaded: 'Uploaded',
  library: 'Library',
  empty: 'No images yet.',
  preview: 'Preview',
  name: 'Name',
  size: 'Size',
  from: 'Uploaded as',
  by: 'By',
  useInTemplate: 'Add to a template draft',
  draft: 'Draft',
  noDrafts: 'No open draft: create one on the studio page first.',
  folder: 'Used as',
  folderOffers: 'offer picture (images/offers)',
  folderLayout: 'layout image (images)',
  add: 'Add',
  added: 'Added to the draft',
  useForOffer: 'Use for an offer',
  offer: 'Offer',
  publishOffer: 'Set picture and publish offer',
  offerPicture: 'Picture from the image library',
  choose: 'Choose…',
  offerPictureNote:
    'Sets the picture of the offer on print and e-mail, in every language, and publishes the catalog. The templates that show offers need the picture too: add it to a template draft on the Images page.',
  approverOnly: 'Only an approver can publish.',
  brandTheme: 'Brand theme',
  brandIntro:
    'Colours, fonts and logo of the brand, used by every print template (brand.primary…) and e-mail. A change is published when another approver approves it; documents already made keep the theme they were made with.',
  brandPick: 'Brand',
  primary: 'Primary colour (headings, table heads)',
  accent: 'Accent colour (offer headlines, buttons)',
  textColor: 'Text colour',
  headingFont: 'Print heading font',
  bodyFont: 'Print body font',
  emailFont: 'E-mail font stack',
  logo: 'Logo',
  keepLogo: 'Keep the current logo',
  propose: 'Propose the change',
  proposed: 'Proposed; another approver must approve it',
  changes: 'Changes',
  noChanges: 'No changes proposed.',
  status: 'Status',
  change: 'Change',
  approve: 'Approve and publish',
  reject: 'Reject',
  waiting: 'Waiting for another approver.',
  approved: 'Approved and published',
} as const;

export type AssetStrings = { readonly [K in keyof typeof enGB]: string };

const zhCN: AssetStrings = {
  assets: '图片',
  assetsIntro:
    '用于优惠和模板的标志与图片。上传的文件会经过检查（PNG、JPEG 或不含脚本和外部链接的 SVG；最大 2 MB、4000 × 4000 像素）并重新编码；SVG 以 PNG 保存。',
  upload: '上传图片',
  file: '文件',
  uploadButton: '上传',
  uploaded: '已上传',
  library: '图片库',
  empty: '还没有图片。',
  preview: '预览',
  name: '名称',
  size: '尺寸',
  from: '上传格式',
  by: '上传者',
  useInTemplate: '加入模板草稿',
  draft: '草稿',
  noDrafts: '没有进行中的草稿：请先在工作室页面创建。',
  folder: '用途',
  folderOffers: '优惠图片 (images/offers)',
  folderLayout: '版式图片 (images)',
  add: '加入',
  added: '已加入草稿',
  useForOffer: '用于优惠',
  offer: '优惠',
  publishOffer: '设置图片并发布优惠',
  offerPicture: '从图片库选择图片',
  choose: '请选择…',
  offerPictureNote:
    '为该优惠的纸质和电子邮件内容（所有语言）设置图片，并发布优惠目录。展示优惠的模板也需要这张图片：请在“图片”页面将其加入模板草稿。',
  approverOnly: '只有审批人可以发布。',
  brandTheme: '品牌主题',
  brandIntro:
    '品牌的颜色、字体和标志，所有纸质模板（brand.primary…）和电子邮件都会使用。更改须由另一位审批人批准后才会发布；已生成的文档保留生成时的主题。',
  brandPick: '品牌',
  primary: '主色（标题、表头）',
  accent: '强调色（优惠标题、按钮）',
  textColor: '正文颜色',
  headingFont: '纸质标题字体',
  bodyFont: '纸质正文字体',
  emailFont: '电子邮件字体',
  logo: '标志',
  keepLogo: '保留当前标志',
  propose: '提交更改',
  proposed: '已提交；须由另一位审批人批准',
  changes: '更改',
  noChanges: '没有待审批的更改。',
  status: '状态',
  change: '更改内容',
  approve: '批准并发布',
  reject: '拒绝',
  waiting: '等待另一位审批人批准。',
  approved: '已批准并发布',
};

const STRINGS: Readonly<Record<UiLocale, AssetStrings>> = { 'en-GB': enGB, 'zh-CN': zhCN };

export function assetStrings(locale: UiLocale): AssetStrings {
  return STRINGS[locale];
}
