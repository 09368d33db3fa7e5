/* qd-gw-demo-content.c — the demo's senders, what they write and attach
 *
 * Every brand, person and domain here is invented; domains are reserved
 * names (.example, .test, example.jp and their subdomains) so nothing in a
 * demo or a screenshot points at a real company. Japanese texts avoid
 * characters outside JIS X 0208 so they survive ISO-2022-JP. Attachments
 * are well-formed but inert: the "programs" are text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-gw-demo-content.h"

#define GRAYMAIL(cat) .reason = QD_REASON_GRAYMAIL, .category = QD_CATEGORY_##cat
#define REASON(r)     .reason = QD_REASON_##r, .category = QD_CATEGORY_NONE
#define EN            .japanese = FALSE
#define JA            .japanese = TRUE
#define PLAIN         .layout = QD_GW_DEMO_LAYOUT_PLAIN
#define HTML          .layout = QD_GW_DEMO_LAYOUT_HTML
#define ALTERNATIVE   .layout = QD_GW_DEMO_LAYOUT_ALTERNATIVE
#define ATTACH(kind, file) .attachment = QD_GW_DEMO_ATTACH_##kind, .attachment_name = file

const QdGwDemoTemplate qd_gw_demo_templates[] = {
  /* Graymail: marketing and newsletters */
  {
    GRAYMAIL (MARKETING), EN, ALTERNATIVE,
    .from_name = "Maple & Pine Outfitters",
    .from_address = "news@mapleandpine.example",
    .envelope = "bounce-{id}-{verp}@mailer.mapleandpine.example",
    .subjects = { "Summer sale: {pct}% off tents, packs and jackets",
                  "{first}, the summer sale starts now",
                  "Last days: {pct}% off outdoor gear" },
    .body = "Hi {first},\n\n"
            "Our summer sale is on: {pct}% off tents, packs, jackets and camp kitchen gear, "
            "online and in our stores until {date}.\n\n"
            "Members get free shipping on orders over $50, and returns are free for 60 days.\n\n"
            "See you outdoors,\nThe Maple & Pine team",
    .action = "Shop the sale",
    .rules = "HTML_IMAGE_RATIO_04",
    .color = "#2f6f4f",
  },
  {
    GRAYMAIL (MARKETING), EN, ALTERNATIVE,
    .from_name = "Skyward Air",
    .from_address = "deals@fly.skywardair.example",
    .envelope = "bounces+{tok}@em.skywardair.example",
    .subjects = { "Fares from $89 to 30 cities — book by {date}",
                  "{first}, where to next? Fares from $89",
                  "Flash fares: this weekend only" },
    .body = "Hi {first},\n\n"
            "Planning your next trip? For a few days only, fares start at $89 one way "
            "to 30 cities across our network.\n\n"
            "Book by {date} for travel until the end of next month. Seats at these "
            "prices are limited.\n\n"
            "You have 12,480 SkyMiles: use them together with cash on any of these fares.\n\n"
            "Skyward Air",
    .action = "Find a fare",
    .color = "#1c4e9d",
  },
  {
    GRAYMAIL (MARKETING), EN, ALTERNATIVE,
    .from_name = "Corvid Books",
    .from_address = "hello@corvidbooks.example",
    .envelope = "newsletter-{id}@bounce.corvidbooks.example",
    .subjects = { "Corvid Books: staff picks for {month}",
                  "New this month: the books our booksellers can’t put down",
                  "{first}, your {month} reading list" },
    .body = "Hello {first},\n\n"
            "This month our booksellers picked a debut mystery set in a lighthouse, a very "
            "funny history of the umbrella and a new translation of a classic sea novel.\n\n"
            "As a member you save 10% on every book, and orders over $35 ship free.\n\n"
            "Happy reading,\nCorvid Books",
    .action = "See the staff picks",
    .color = "#3b2f5c",
  },
  {
    GRAYMAIL (MARKETING), EN, PLAIN,
    .from_name = "DevPulse Weekly",
    .from_address = "newsletter@devpulse.example.net",
    .envelope = "bounce-{tok}@list.devpulse.example.net",
    .subjects = { "DevPulse #{n}4: faster builds and smaller containers",
                  "DevPulse #{n}4: fuzzing parsers, caching CI and two releases" },
    .body = "This week in DevPulse\n\n"
            "- Cutting CI time in half with smarter caching\n"
            "- A practical guide to fuzzing your configuration parser\n"
            "- Release notes: Mesonette 2.3 and Quillpack 1.0\n"
            "- Job board: {n} new remote positions\n\n"
            "Thanks for reading. Reply to this email if you have a story we should cover.",
    .action = "Read this issue online",
    .color = "#212529",
  },
  {
    GRAYMAIL (MARKETING), EN, ALTERNATIVE,
    .from_name = "Lumen Cloud",
    .from_address = "product-updates@lumencloud.example",
    .envelope = "pu-{id}@mail.lumencloud.example",
    .subjects = { "What’s new in Lumen Cloud: {month} product update",
                  "Lumen Cloud {month} update: scheduled backups and audit logs" },
    .body = "Hi {first},\n\n"
            "Here is what shipped in Lumen Cloud this month:\n\n"
            "Scheduled backups: choose a time window and a retention period per project.\n"
            "Audit logs: every sign-in and permission change, searchable for 90 days.\n"
            "A faster dashboard that loads your projects in under a second.\n\n"
            "All of this is available on every plan today.\n\n"
            "The Lumen Cloud team",
    .action = "Read the release notes",
    .color = "#0b7285",
  },
  {
    GRAYMAIL (MARKETING), EN, ALTERNATIVE,
    .from_name = "Notebox",
    .from_address = "team@notebox.example",
    .envelope = "bounce+{tok}@m.notebox.example",
    .subjects = { "Notebox 5.2 is here: offline sync and dark mode",
                  "New in Notebox: work offline, sync later" },
    .body = "Hi {first},\n\n"
            "Notebox 5.2 is rolling out now. Your notes are available offline on every "
            "device and sync the moment you are back online.\n\n"
            "Also new: a dark theme that follows your system setting, and faster search "
            "in large notebooks.\n\n"
            "Update from your app store or from Settings › About.",
    .action = "See what’s new",
    .color = "#6741d9",
  },
  {
    GRAYMAIL (MARKETING), EN, HTML,
    .from_name = "Harbor Stay Hotels",
    .from_address = "offers@harborstay.example",
    .envelope = "bounce-{id}@e.harborstay.example",
    .subjects = { "Members save {pct}% this weekend",
                  "{first}, your member rate for a weekend by the sea",
                  "Weekend escape: {pct}% off at 40 seaside hotels" },
    .body = "Dear {first},\n\n"
            "Take a break this weekend: as a Harbor Stay member you save {pct}% on stays at "
            "more than 40 seaside hotels, breakfast included.\n\n"
            "Book by {date}. Free cancellation until 24 hours before arrival.\n\n"
            "We look forward to welcoming you.\nHarbor Stay Hotels",
    .action = "Book your stay",
    .color = "#9c6644",
  },
  {
    GRAYMAIL (MARKETING), EN, ALTERNATIVE,
    .from_name = "Fresh Crate",
    .from_address = "hello@freshcrate.example",
    .envelope = "{tok}@bounces.freshcrate.example",
    .subjects = { "🍋 12 new recipes on next week’s menu",
                  "{first}, you can still change next week’s box" },
    .body = "Hi {first},\n\n"
            "Next week’s menu is ready: 12 new recipes including miso-glazed salmon, "
            "a summer vegetable tart and a 20-minute lemon pasta.\n\n"
            "You can still change your box or skip a week until {date}.\n\n"
            "Happy cooking!\nFresh Crate",
    .action = "Choose your meals",
    .color = "#e8590c",
  },
  {
    GRAYMAIL (MARKETING), EN, ALTERNATIVE,
    ATTACH (PDF, "Nordhem_Autumn_Catalogue_{year}.pdf"),
    .from_name = "Nordhem Home",
    .from_address = "news@nordhem-home.example",
    .envelope = "bounce-{id}-{verp}@mailer.nordhem-home.example",
    .subjects = { "The autumn catalogue is here",
                  "Cosy up: our autumn collection (catalogue attached)" },
    .body = "Hi {first},\n\n"
            "Our autumn catalogue is here, with wool throws, oak side tables and a new range "
            "of stoneware. We have attached it to this email so you can browse at your "
            "leisure.\n\n"
            "Everything in it is available online and in our stores from today.\n\n"
            "Nordhem Home",
    .action = "Browse the collection",
    .color = "#495057",
  },
  {
    GRAYMAIL (MARKETING), EN, ALTERNATIVE,
    ATTACH (IMAGE, "coupon-{id}.png"),
    .from_name = "Pixel Forge",
    .from_address = "deals@pixelforge.example",
    .envelope = "bounce-{tok}@mailer.pixelforge.example",
    .subjects = { "Your {pct}% coupon is inside",
                  "{first}, here is {pct}% off your next order" },
    .body = "Hi {first},\n\n"
            "Thanks for being a Pixel Forge customer. Here is a coupon for {pct}% off your "
            "next order of headphones, keyboards or monitors. Show the attached coupon in "
            "store, or use the code FORGE{id} online.\n\n"
            "Valid until {date}.",
    .action = "Shop now",
    .color = "#c92a2a",
  },
  {
    GRAYMAIL (MARKETING), EN, PLAIN,
    .from_name = "The Morning Ledger",
    .from_address = "briefing@morningledger.example",
    .envelope = "briefing-{id}@lists.morningledger.example",
    .subjects = { "Morning briefing: markets, weather and the week ahead",
                  "The Morning Ledger: five things to know today" },
    .body = "Good morning, {first}.\n\n"
            "Five things to know today:\n\n"
            "1. The central bank holds rates steady; markets open higher.\n"
            "2. The city council approves the new riverside cycle path.\n"
            "3. Heat advisory for the weekend: stay in the shade and drink water.\n"
            "4. The home team wins in extra time.\n"
            "5. Recipe of the day: chilled cucumber soup.",
    .action = "Read the full briefing",
    .color = "#343a40",
  },
  {
    GRAYMAIL (MARKETING), JA, ALTERNATIVE,
    .from_name = "きらぼしマーケット",
    .from_address = "news@kiraboshi-market.example.jp",
    .envelope = "bounce-{id}@mail.kiraboshi-market.example.jp",
    .subjects = { "【きらぼしマーケット】週末限定セールのお知らせ",
                  "【最大{pct}%OFF】週末限定セール開催中です",
                  "{name}様へ 週末限定セールのご案内" },
    .body = "{name} 様\n\n"
            "いつもきらぼしマーケットをご利用いただき、誠にありがとうございます。\n\n"
            "今週末限定で、人気の日用品・食品が最大{pct}%OFFになるセールを開催いたします。\n"
            "期間：{date}まで\n\n"
            "数量限定の商品もございますので、お早めにお買い求めください。\n\n"
            "きらぼしマーケット",
    .action = "セール会場はこちら",
    .color = "#d6336c",
  },
  {
    GRAYMAIL (MARKETING), JA, ALTERNATIVE,
    .from_name = "青空航空",
    .from_address = "info@mail.aozora-air.example.jp",
    .envelope = "info-{tok}@mail.aozora-air.example.jp",
    .subjects = { "【青空航空】{month}のおすすめ運賃のご案内",
                  "マイル会員様限定 国内線特別運賃のお知らせ" },
    .body = "{name} 様\n\n"
            "青空航空をご利用いただき、ありがとうございます。\n\n"
            "マイル会員の皆様に、国内線の特別運賃をご案内いたします。\n"
            "羽田発 札幌・福岡・那覇行きなど全{n}路線が対象です。\n"
            "ご予約期間：{date}まで\n\n"
            "皆様のご搭乗を心よりお待ちしております。\n\n"
            "青空航空 マイレージクラブ事務局",
    .action = "運賃を検索する",
    .color = "#1971c2",
  },
  {
    GRAYMAIL (MARKETING), JA, ALTERNATIVE,
    ATTACH (IMAGE, "クーポン券_{id}.png"),
    .from_name = "たぬき電機",
    .from_address = "news@tanuki-denki.example.jp",
    .envelope = "mag-{id}@news.tanuki-denki.example.jp",
    .subjects = { "【たぬき電機】会員様限定クーポンをお届けします",
                  "エアコン早期購入キャンペーン 今だけ{pct}%OFFクーポン" },
    .body = "{name} 様\n\n"
            "いつもたぬき電機をご愛顧いただき、ありがとうございます。\n\n"
            "会員様限定で、エアコン・冷蔵庫など大型家電に使える{pct}%OFFクーポンをお届けします。\n"
            "店頭では添付のクーポン画像をご提示ください。"
            "オンラインストアではクーポンコード TANUKI{id} をご入力ください。\n\n"
            "有効期限：{date}\n\n"
            "たぬき電機 オンラインストア",
    .action = "オンラインストアへ",
    .color = "#f08c00",
  },
  {
    GRAYMAIL (MARKETING), JA, HTML,
    .from_name = "旅の窓",
    .from_address = "mag@tabinomado.example.jp",
    .envelope = "mag-{tok}@mm.tabinomado.example.jp",
    .subjects = { "【旅の窓】Vol.{n}2 秋の紅葉と温泉の宿特集",
                  "【旅の窓】紅葉の名所と露天風呂のある宿10選" },
    .body = "{name} 様\n\n"
            "旅の窓メールマガジンをご購読いただき、ありがとうございます。\n\n"
            "今号は、紅葉が見頃を迎える名所と、露天風呂から紅葉を楽しめる宿を10軒ご紹介します。\n"
            "会員様限定の早割プランは{date}までのご予約が対象です。\n\n"
            "素敵な旅のお供に、旅の窓をご活用ください。",
    .action = "特集を読む",
    .color = "#2b8a3e",
  },
  {
    GRAYMAIL (MARKETING), JA, ALTERNATIVE,
    .from_name = "さくらポイントクラブ",
    .from_address = "info@sakura-points.example.jp",
    .envelope = "info-{id}@mail.sakura-points.example.jp",
    .subjects = { "【さくらポイント】今月のポイントアップ対象店舗のお知らせ",
                  "ポイント最大5倍！{month}のキャンペーン情報" },
    .body = "{name} 様\n\n"
            "いつもさくらポイントクラブをご利用いただき、ありがとうございます。\n\n"
            "{month}は対象店舗でのお買い物でポイントが最大5倍になります。\n"
            "キャンペーンへのエントリーが必要ですので、お忘れなくお手続きください。\n\n"
            "エントリー期限：{date}\n\n"
            "※本メールは送信専用アドレスからお送りしています。",
    .action = "エントリーはこちら",
    .color = "#e64980",
  },
  {
    GRAYMAIL (MARKETING), JA, ALTERNATIVE,
    .from_name = "Notebox",
    .from_address = "news-ja@notebox.example",
    .envelope = "bounce+{tok}@m.notebox.example",
    .subjects = { "Notebox 5.2 リリースのお知らせ：オフライン同期に対応しました",
                  "【Notebox】新機能のご紹介：オフラインでも編集できます" },
    .body = "{name} 様\n\n"
            "いつもNoteboxをご利用いただき、ありがとうございます。\n\n"
            "本日、Notebox 5.2 の提供を開始しました。\n"
            "オフライン環境でもノートの閲覧・編集ができるようになり、"
            "オンラインに戻ると自動で同期されます。\n"
            "あわせて、システム設定に連動するダークテーマにも対応しました。\n\n"
            "今後ともNoteboxをよろしくお願いいたします。",
    .action = "新機能を見る",
    .color = "#6741d9",
  },
  {
    GRAYMAIL (MARKETING), JA, PLAIN,
    .from_name = "おむすび食堂",
    .from_address = "info@omusubi-shokudo.example.jp",
    .subjects = { "新メニュー登場！秋の味覚フェアのお知らせ",
                  "【おむすび食堂】秋の味覚フェアがはじまりました" },
    .body = "{name} 様\n\n"
            "いつもおむすび食堂をご利用いただき、ありがとうございます。\n\n"
            "本日より「秋の味覚フェア」がはじまりました。\n"
            "栗ご飯のおむすび、きのこの炊き込みご飯、さんまの塩焼き定食をご用意しております。\n\n"
            "このメールを店頭でご提示いただくと、お味噌汁を1杯サービスいたします（{date}まで）。\n\n"
            "スタッフ一同、ご来店をお待ちしております。",
    .color = "#5c940d",
  },
  {
    GRAYMAIL (MARKETING), JA, HTML,
    .from_name = "ことりファッション",
    .from_address = "news@kotori-fashion.example.jp",
    .envelope = "bounce-{id}@mail.kotori-fashion.example.jp",
    .subjects = { "【ことりファッション】秋冬コレクション 新作入荷のお知らせ",
                  "【新作入荷】ニット・コートが揃いました" },
    .body = "{name} 様\n\n"
            "ことりファッションをご利用いただき、ありがとうございます。\n\n"
            "秋冬コレクションの新作が入荷いたしました。\n"
            "やわらかなウールのニットや、軽くて暖かいダウンコートなど、"
            "今季のおすすめを取り揃えております。\n\n"
            "会員様は送料無料でお届けいたします。",
    .action = "新作をチェックする",
    .color = "#a61e4d",
  },
  {
    GRAYMAIL (MARKETING), JA, PLAIN,
    .from_name = "ITトレンド通信",
    .from_address = "mailmag@it-trend.example.jp",
    .envelope = "mailmag-{id}@it-trend.example.jp",
    .subjects = { "【ITトレンド通信】第{n}1号 生成AIの業務活用事例ほか",
                  "【ITトレンド通信】第{n}1号 ゼロトラスト導入のポイント" },
    .body = "━━━━━━━━━━━━━━━━━━━━\n"
            "　ITトレンド通信　第{n}1号\n"
            "━━━━━━━━━━━━━━━━━━━━\n\n"
            "{name} 様\n\n"
            "いつもご購読いただき、ありがとうございます。\n\n"
            "■ 今号の内容\n"
            "1. 生成AIの業務活用事例：問い合わせ対応の自動化\n"
            "2. ゼロトラスト導入のポイント\n"
            "3. セミナー情報：{date}開催「クラウド移行入門」",
    .action = "記事を読む",
    .color = "#364fc7",
  },

  /* Graymail: social network notifications */
  {
    GRAYMAIL (SOCIAL), EN, ALTERNATIVE,
    .from_name = "Linkora",
    .from_address = "invitations@linkora.example",
    .envelope = "invitations+{tok}@bounce.linkora.example",
    .subjects = { "{person} wants to connect with you",
                  "Invitation to connect from {person}",
                  "{first}, {person} has invited you to connect" },
    .body = "Hi {first},\n\n"
            "{person} would like to join your professional network on Linkora.\n\n"
            "{person}\nSenior Product Designer at Brightwave Studio\n{n} mutual connections",
    .action = "Accept invitation",
    .rules = "SOCIAL_NOTIFICATION",
    .color = "#1864ab",
  },
  {
    GRAYMAIL (SOCIAL), EN, ALTERNATIVE,
    .from_name = "Linkora",
    .from_address = "notifications@linkora.example",
    .envelope = "notifications+{tok}@bounce.linkora.example",
    .subjects = { "{person} mentioned you in a comment",
                  "{person} mentioned you on Linkora" },
    .body = "Hi {first},\n\n"
            "{person} mentioned you in a comment:\n\n"
            "“Great write-up! {first} and I ran into the same problem last year. "
            "Worth a read for anyone planning a migration.”\n\n"
            "{n} people reacted to this comment.",
    .action = "View comment",
    .rules = "SOCIAL_NOTIFICATION",
    .color = "#1864ab",
  },
  {
    GRAYMAIL (SOCIAL), EN, ALTERNATIVE,
    .from_name = "Friendloop",
    .from_address = "notification@friendloop.example",
    .envelope = "notification+{tok}@mail.friendloop.example",
    .subjects = { "{person} tagged you in a photo",
                  "{person} added a photo of you" },
    .body = "Hi {first},\n\n"
            "{person} tagged you in a photo from the album “Team dinner”.\n\n"
            "{n} friends have already reacted.",
    .action = "See photo",
    .rules = "SOCIAL_NOTIFICATION",
    .color = "#5f3dc4",
  },
  {
    GRAYMAIL (SOCIAL), EN, ALTERNATIVE,
    .from_name = "Friendloop",
    .from_address = "notification@friendloop.example",
    .envelope = "notification+{tok}@mail.friendloop.example",
    .subjects = { "You have {n} new notifications",
                  "{first}, see what you missed this week" },
    .body = "Hi {first},\n\n"
            "Here is what you missed on Friendloop this week:\n\n"
            "{person} commented on your post.\n"
            "{person2} shared a memory with you.\n"
            "It is {person}’s birthday on {date}.",
    .action = "Open Friendloop",
    .color = "#5f3dc4",
  },
  {
    GRAYMAIL (SOCIAL), EN, HTML,
    .from_name = "Chirpline",
    .from_address = "info@chirpline.example.net",
    .envelope = "bounce-{tok}@bounce.chirpline.example.net",
    .subjects = { "{person} and {n} others followed you",
                  "You have {n} new followers" },
    .body = "Hi {first},\n\n"
            "You have new followers on Chirpline, including {person} and {person2}.\n\n"
            "Follow them back to see their posts in your timeline.",
    .action = "See your followers",
    .color = "#1098ad",
  },
  {
    GRAYMAIL (SOCIAL), JA, ALTERNATIVE,
    .from_name = "つなノート",
    .from_address = "notice@tsunanote.example.jp",
    .envelope = "notice-{tok}@mail.tsunanote.example.jp",
    .subjects = { "{person}さんがあなたの投稿にコメントしました",
                  "{person}さんから新しいコメントが届いています" },
    .body = "{name}さん\n\n"
            "{person}さんがあなたの投稿にコメントしました。\n\n"
            "「素敵な写真ですね！どこで撮影されたのですか？」\n\n"
            "返信するには、つなノートを開いてください。",
    .action = "コメントを見る",
    .rules = "SOCIAL_NOTIFICATION",
    .color = "#0ca678",
  },
  {
    GRAYMAIL (SOCIAL), JA, ALTERNATIVE,
    .from_name = "つなノート",
    .from_address = "notice@tsunanote.example.jp",
    .envelope = "notice-{tok}@mail.tsunanote.example.jp",
    .subjects = { "{person}さんから友達リクエストが届いています",
                  "【つなノート】新しい友達リクエストがあります" },
    .body = "{name}さん\n\n"
            "{person}さんから友達リクエストが届いています。\n"
            "共通の友達：{n}人\n\n"
            "リクエストを承認すると、お互いの投稿が見られるようになります。",
    .action = "リクエストを確認する",
    .color = "#0ca678",
  },
  {
    GRAYMAIL (SOCIAL), JA, ALTERNATIVE,
    .from_name = "Linkora",
    .from_address = "invitations@linkora.example",
    .envelope = "invitations+{tok}@bounce.linkora.example",
    .subjects = { "{person}さんがつながりを申請しています",
                  "{person}さんからのつながりリクエスト" },
    .body = "{name}さん\n\n"
            "{person}さん（株式会社あおば企画 営業企画部）から、"
            "Linkoraでのつながりリクエストが届いています。\n"
            "共通のつながり：{n}人",
    .action = "承認する",
    .rules = "SOCIAL_NOTIFICATION",
    .color = "#1864ab",
  },
  {
    GRAYMAIL (SOCIAL), JA, HTML,
    .from_name = "Chirpline",
    .from_address = "info@chirpline.example.net",
    .envelope = "bounce-{tok}@bounce.chirpline.example.net",
    .subjects = { "{person}さんがあなたをフォローしました",
                  "新しいフォロワーが{n}人います" },
    .body = "{name}さん\n\n"
            "{person}さんがあなたをフォローしました。\n"
            "今週はほかに{n}人があなたをフォローしています。",
    .action = "フォロワーを見る",
    .color = "#1098ad",
  },

  /* Graymail: forum notifications */
  {
    GRAYMAIL (FORUM), EN, PLAIN,
    .from_name = "Homelab Forum",
    .from_address = "forum@homelab.example",
    .envelope = "forum-bounces+{tok}@homelab.example",
    .subjects = { "Re: ZFS scrub takes forever on a 4-disk RAIDZ1",
                  "Re: Which mini PC for a quiet home server?",
                  "[Homelab Forum] New reply in “Backing up a Raspberry Pi the right way”" },
    .body = "{person} replied to a topic you are watching:\n\n"
            "> I had the same question last year. In the end I went with the simpler option\n"
            "> and it has been running for months without trouble. Happy to share my notes\n"
            "> if that helps.\n\n"
            "Reply to this email to respond, or visit the topic in your browser.",
    .action = "Visit topic",
    .color = "#495057",
  },
  {
    GRAYMAIL (FORUM), EN, ALTERNATIVE,
    .from_name = "Photo Gear Talk",
    .from_address = "notifications@talk.photogear.example",
    .envelope = "digest-{tok}@talk.photogear.example",
    .subjects = { "Photo Gear Talk: weekly digest ({n} new topics)",
                  "Your weekly summary from Photo Gear Talk" },
    .body = "Hi {first},\n\n"
            "Popular this week:\n\n"
            "- Best 50mm lens for street photography? ({n} replies)\n"
            "- Share your rainy-day photos\n"
            "- Sensor cleaning: do it yourself or send it in?\n"
            "- Monthly challenge: reflections",
    .action = "Read the digest",
    .rules = "FORUM_DIGEST",
    .color = "#e67700",
  },
  {
    GRAYMAIL (FORUM), EN, ALTERNATIVE,
    .from_name = "OpenStreet Cyclists",
    .from_address = "noreply@forum.openstreet-cyclists.example.org",
    .envelope = "bounces-{tok}@forum.openstreet-cyclists.example.org",
    .subjects = { "{person} replied to your post in “Sunday group ride”",
                  "New post in “Sunday group ride”" },
    .body = "{person} wrote:\n\n"
            "> Count me in! I can bring spare tubes and a pump. Shall we meet at the usual\n"
            "> café at 8:30?\n\n"
            "View the full topic or reply to this email.",
    .action = "View topic",
    .color = "#2f9e44",
  },
  {
    GRAYMAIL (FORUM), EN, ALTERNATIVE,
    .from_name = "AskCode",
    .from_address = "do-not-reply@askcode.example",
    .envelope = "bounce-{tok}@mail.askcode.example",
    .subjects = { "New answer to “How do I compare dates across time zones in C?”",
                  "Your question received a new answer" },
    .body = "Hi {first},\n\n"
            "{person} answered your question “How do I compare dates across time "
            "zones in C?”:\n\n"
            "> Convert both to UTC first and compare the results; keep the offset only for\n"
            "> display.\n\n"
            "If this answer solved your problem, consider accepting it.",
    .action = "View answer",
    .color = "#f76707",
  },
  {
    GRAYMAIL (FORUM), JA, PLAIN,
    .from_name = "自作PCフォーラム",
    .from_address = "forum@jisaku-pc.example.jp",
    .envelope = "forum-{tok}@jisaku-pc.example.jp",
    .subjects = { "【自作PCフォーラム】「電源ユニットの選び方」に新しい返信があります",
                  "【自作PCフォーラム】ウォッチ中のスレッドが更新されました" },
    .body = "{name}さん\n\n"
            "ウォッチ中のスレッド「電源ユニットの選び方」に、{person}さんが返信しました。\n\n"
            "> 容量は余裕を持って選ぶのがおすすめです。\n"
            "> 私は750Wにしましたが、静音性にも満足しています。\n\n"
            "※このメールは送信専用です。返信はできません。",
    .action = "スレッドを表示する",
    .color = "#495057",
  },
  {
    GRAYMAIL (FORUM), JA, ALTERNATIVE,
    .from_name = "家庭菜園コミュニティ みどりの輪",
    .from_address = "info@midorinowa.example.jp",
    .envelope = "digest-{id}@midorinowa.example.jp",
    .subjects = { "【みどりの輪】今週のダイジェスト：新着トピック{n}件",
                  "【みどりの輪】今週の人気トピック" },
    .body = "{name}さん\n\n"
            "今週の人気トピックをお届けします。\n\n"
            "・ミニトマトの脇芽かき、どこまでやる？（返信{n}件）\n"
            "・ベランダでも育てやすいハーブ\n"
            "・秋植え野菜の準備はじめました\n\n"
            "新しい投稿は、コミュニティのトップページからご覧いただけます。",
    .action = "コミュニティを開く",
    .rules = "FORUM_DIGEST",
    .color = "#37b24d",
  },
  {
    GRAYMAIL (FORUM), JA, ALTERNATIVE,
    .from_name = "Q&Aひろば",
    .from_address = "noreply@qa-hiroba.example.jp",
    .envelope = "noreply-{tok}@qa-hiroba.example.jp",
    .subjects = { "あなたの質問に回答がつきました",
                  "【Q&Aひろば】{person}さんがあなたの質問に回答しました" },
    .body = "{name}さん\n\n"
            "あなたの質問「表計算ソフトで日付ごとに集計する方法」に、{person}さんから回答がつきました。\n\n"
            "> ピボットテーブルを使うと簡単です。\n"
            "> 日付の列を行に、金額を値にドラッグしてみてください。\n\n"
            "回答が役に立ったら、ベストアンサーに選んでください。",
    .action = "回答を見る",
    .color = "#f59f00",
  },

  /* Graymail: bulk mail */
  {
    GRAYMAIL (BULK), EN, ALTERNATIVE,
    .from_name = "Northwind Research",
    .from_address = "survey@research.northwind.example",
    .envelope = "survey-{id}@research.northwind.example",
    .subjects = { "Tell us about your experience (3 minutes)",
                  "Your opinion counts: a short customer survey",
                  "Reminder: our customer survey closes on {date}" },
    .body = "Dear customer,\n\n"
            "Thank you for your recent purchase. We would like to hear about your "
            "experience: the survey takes about three minutes and all answers are "
            "anonymous.\n\n"
            "As a thank-you, everyone who completes it can enter a draw for one of ten "
            "$50 gift cards. The survey closes on {date}.\n\n"
            "Northwind Research, on behalf of our retail partners",
    .action = "Start the survey",
    .color = "#1c7ed6",
  },
  {
    GRAYMAIL (BULK), EN, ALTERNATIVE,
    ATTACH (ICS, "invite.ics"),
    .from_name = "Lumen Cloud Events",
    .from_address = "events@lumencloud.example",
    .envelope = "events-{id}@mail.lumencloud.example",
    .subjects = { "You’re invited: Cloud Cost Clinic, a live webinar on {date}",
                  "Save your seat: Cloud Cost Clinic webinar" },
    .body = "Hi {first},\n\n"
            "Join our engineers for a live, one-hour webinar on cutting cloud storage costs "
            "without losing performance. We will look at lifecycle rules, cold tiers and "
            "real bills from real customers.\n\n"
            "When: {date}, 17:00 UTC\n"
            "Where: online (the link is in the attached calendar invitation)\n\n"
            "Can’t make it? Register anyway and we will send you the recording.",
    .action = "Register",
    .color = "#0b7285",
  },
  {
    GRAYMAIL (BULK), EN, ALTERNATIVE,
    .from_name = "DevDays",
    .from_address = "hello@devdays.example.org",
    .envelope = "bounce-{tok}@news.devdays.example.org",
    .subjects = { "Early-bird tickets for DevDays end on {date}",
                  "DevDays: the speaker line-up is out" },
    .body = "Hi {first},\n\n"
            "Two days, four tracks and more than 60 talks on building, shipping and running "
            "software. The full speaker line-up is now online.\n\n"
            "Early-bird tickets are available until {date}. Group discounts for teams of "
            "five or more.",
    .action = "Get your ticket",
    .color = "#862e9c",
  },
  {
    GRAYMAIL (BULK), EN, ALTERNATIVE,
    .from_name = "Riverbank Animal Shelter",
    .from_address = "news@riverbank-shelter.example.org",
    .envelope = "news-{id}@riverbank-shelter.example.org",
    .subjects = { "Our {month} update: {n} adoptions and a new roof",
                  "Meet the dogs looking for a home this month" },
    .body = "Dear friend,\n\n"
            "Thanks to you, {n} animals found a new home this month, and the kennels have a "
            "new roof before the rainy season.\n\n"
            "This month we would like you to meet Biscuit, a gentle eight-year-old who loves "
            "long walks and short naps.\n\n"
            "With gratitude,\nThe Riverbank team",
    .action = "Meet our animals",
    .color = "#d9480f",
  },
  {
    GRAYMAIL (BULK), EN, ALTERNATIVE,
    ATTACH (ICS, "homecoming.ics"),
    .from_name = "Westbrook Alumni Association",
    .from_address = "alumni@westbrook-alumni.example",
    .envelope = "alumni-{tok}@lists.westbrook-alumni.example",
    .subjects = { "Homecoming weekend: registration is open",
                  "Join us for homecoming on {date}" },
    .body = "Dear alumni,\n\n"
            "Homecoming is back! Join classmates old and new on {date} for campus tours, "
            "the alumni lunch and the evening concert.\n\n"
            "Add the date to your calendar with the attached invitation, and register by "
            "the end of the month.",
    .action = "Register now",
    .color = "#364fc7",
  },
  {
    GRAYMAIL (BULK), JA, ALTERNATIVE,
    .from_name = "お客様アンケート事務局",
    .from_address = "enquete@survey.example.jp",
    .envelope = "enquete-{id}@survey.example.jp",
    .subjects = { "アンケートご協力のお願い（所要時間約3分）",
                  "【お願い】サービス向上のためのアンケートにご協力ください" },
    .body = "{name} 様\n\n"
            "平素より格別のご高配を賜り、厚く御礼申し上げます。\n\n"
            "このたび、サービス向上を目的としたアンケートを実施しております。\n"
            "所要時間は3分程度です。ご回答いただいた方の中から抽選で100名様に、"
            "500円分のギフト券をお贈りいたします。\n\n"
            "回答期限：{date}\n\n"
            "お客様アンケート事務局",
    .action = "アンケートに回答する",
    .color = "#1c7ed6",
  },
  {
    GRAYMAIL (BULK), JA, ALTERNATIVE,
    ATTACH (ICS, "seminar.ics"),
    .from_name = "DX推進フォーラム事務局",
    .from_address = "seminar@dx-forum.example.jp",
    .envelope = "seminar-{tok}@dx-forum.example.jp",
    .subjects = { "【ご招待】DX推進セミナー（オンライン開催）のご案内",
                  "【参加無料】{date}開催 DX推進セミナーのご案内" },
    .body = "{name} 様\n\n"
            "突然のご連絡失礼いたします。DX推進フォーラム事務局でございます。\n\n"
            "下記のとおり、オンラインセミナーを開催いたします。\n\n"
            "日時：{date} 15:00〜16:30\n"
            "形式：オンライン（参加無料）\n"
            "テーマ：中小企業のための業務デジタル化入門\n\n"
            "添付のカレンダー招待から、ご予定に追加いただけます。\n"
            "ご多忙とは存じますが、ぜひご参加ください。",
    .action = "参加を申し込む",
    .color = "#0c8599",
  },
  {
    GRAYMAIL (BULK), JA, ALTERNATIVE,
    .from_name = "東和大学 校友会",
    .from_address = "koyukai@towa-univ.example.jp",
    .envelope = "koyukai-{id}@towa-univ.example.jp",
    .subjects = { "【校友会】ホームカミングデー開催のお知らせ",
                  "【ご案内】ホームカミングデーへのお誘い" },
    .body = "{name} 様\n\n"
            "校友の皆様にはますますご清祥のこととお慶び申し上げます。\n\n"
            "本年もホームカミングデーを開催いたします。"
            "懐かしい仲間との再会や、キャンパスツアーをお楽しみください。\n\n"
            "日時：{date} 13:00〜\n"
            "会場：本部キャンパス 記念講堂\n\n"
            "参加をご希望の方は、下記よりお申し込みください。",
    .action = "参加を申し込む",
    .color = "#5c7cfa",
  },

  /* Spam */
  {
    REASON (SPAM), EN, HTML,
    .from_name = "Online Pharmacy",
    .from_address = "orders@rx-{r}.example",
    .subjects = { "Save up to 80% on your prescriptions",
                  "Discount meds, no prescription needed",
                  "Your order discount: 80% off today only" },
    .body = "Best prices on brand and generic medicines.\n\n"
            "No prescription needed. Discreet packaging. Worldwide delivery in 5 to 7 days.\n\n"
            "Save up to 80% compared to your local pharmacy. Limited time offer!",
    .action = "ORDER NOW",
    .link = "http://{r}-meds.example/shop/?ref={tok}",
    .rules = "PHARMA_KEYWORDS URIBL_BLACK",
    .color = "#e03131",
  },
  {
    REASON (SPAM), EN, ALTERNATIVE,
    ATTACH (PDF, "INV-{id}.pdf"),
    .from_name = "Accounts Receivable",
    .from_address = "billing@invoices-{r}.example",
    .subjects = { "Invoice #INV-{id} overdue: payment required",
                  "Final reminder: outstanding balance of {amount}",
                  "Payment due: invoice INV-{id}" },
    .body = "Dear customer,\n\n"
            "Our records show that invoice INV-{id} for {amount} is now 14 days overdue.\n\n"
            "To avoid late fees and suspension of your service, please settle the "
            "outstanding balance today using the secure payment link below.\n\n"
            "If you have already paid, please disregard this message.\n\n"
            "Accounts Receivable Department",
    .action = "Pay invoice",
    .link = "http://pay-{r}.example/invoice/{id}",
    .rules = "FAKE_INVOICE FREEMAIL_REPLYTO",
    .color = "#343a40",
  },
  {
    REASON (SPAM), EN, HTML,
    .from_name = "Crypto Wealth Desk",
    .from_address = "profits@{r}-invest.example",
    .subjects = { "Turn $250 into $10,000 with AI trading",
                  "{first}, your trading account is ready",
                  "Last spots: AI trading platform beta" },
    .body = "Hi {first},\n\n"
            "Our AI trading system made members an average of 312% last month. No experience "
            "needed: the algorithm does all the work.\n\n"
            "Start with just $250 and withdraw your profits any time.\n\n"
            "Only 50 spots left this week.",
    .action = "Claim your spot",
    .link = "http://{r}-invest.example/join?id={tok}",
    .rules = "CRYPTO_SCAM MONEY_PROMISE",
    .color = "#f59f00",
  },
  {
    REASON (SPAM), EN, PLAIN,
    .from_name = "Wallet Notification",
    .from_address = "noreply@{r}.example",
    .subjects = { "You have received 0.85 BTC",
                  "Pending transfer: 0.85 BTC awaiting confirmation" },
    .body = "A transfer of 0.85 BTC ({amount}) is waiting for you.\n\n"
            "To release the funds, confirm your wallet and pay the network fee of 0.002 BTC "
            "within 24 hours. Unclaimed transfers are returned to the sender.",
    .action = "Confirm wallet",
    .link = "http://{r}-wallet.example/claim/{tok}",
    .rules = "CRYPTO_SCAM BITCOIN_ADDR",
  },
  {
    REASON (SPAM), EN, HTML,
    .from_name = "Fast Funding",
    .from_address = "approval@fastfunding-{r}.example",
    .subjects = { "Pre-approved: $25,000 personal loan",
                  "{first}, you qualify for a low-rate loan",
                  "Consolidate your debt today, rates from 1.9%" },
    .body = "Congratulations {first},\n\n"
            "You have been pre-approved for a personal loan of up to $25,000. No credit check, "
            "money in your account within 24 hours.\n\n"
            "Rates from 1.9% APR. Bad credit OK.",
    .action = "Get my money",
    .link = "http://fastfunding-{r}.example/apply?c={tok}",
    .rules = "LOAN_OFFER ADVANCE_FEE",
    .color = "#2b8a3e",
  },
  {
    REASON (SPAM), EN, HTML,
    .from_name = "Customer Rewards",
    .from_address = "rewards@{r}-prize.example",
    .subjects = { "Congratulations! You have been selected",
                  "{first}, claim your $1,000 reward" },
    .body = "You have been randomly selected to receive a $1,000 gift card as part of our "
            "annual customer appreciation program.\n\n"
            "Complete a short survey to claim it. This offer expires in 48 hours.",
    .action = "Claim my reward",
    .link = "http://{r}-prize.example/claim?u={tok}",
    .rules = "PRIZE_SCAM",
    .color = "#c2255c",
  },
  {
    REASON (SPAM), EN, PLAIN,
    .from_name = "Remote Jobs Team",
    .from_address = "jobs@{r}.example",
    .subjects = { "Earn $500 a day from home",
                  "Part-time job offer: 2 hours a day" },
    .body = "Hello,\n\n"
            "We are hiring home-based assistants. No experience needed, just a phone or a "
            "computer and two hours a day. Our assistants earn up to $500 a day.\n\n"
            "Reply with your name and phone number and our manager will contact you today.",
    .rules = "WORK_FROM_HOME MONEY_PROMISE",
  },
  {
    REASON (SPAM), EN, PLAIN,
    .from_name = "Digital Growth Agency",
    .from_address = "seo@{r}-rank.example",
    .subjects = { "First page of search results in 30 days, guaranteed",
                  "Quick question about {domain}" },
    .body = "Hi,\n\n"
            "I was looking at {domain} and noticed it is not ranking for many important "
            "keywords. We GUARANTEE first-page rankings in 30 days or your money back.\n\n"
            "Reply \"YES\" for a free audit. Our prices start at $99 a month.",
    .rules = "SEO_SPAM",
  },
  {
    REASON (SPAM), JA, HTML,
    .from_name = "プレゼント事務局",
    .from_address = "info@{r}-present.example",
    .subjects = { "【当選のお知らせ】ギフト券5万円分が当選しました",
                  "おめでとうございます！抽選に当選されました" },
    .body = "{name} 様\n\n"
            "このたびは厳正なる抽選の結果、{name}様がギフト券5万円分に当選されました。\n\n"
            "受け取りには、48時間以内に下記のページからお手続きが必要です。\n"
            "期限を過ぎますと当選は無効となりますのでご注意ください。",
    .action = "今すぐ受け取る",
    .link = "http://{r}-present.example/gift/{tok}",
    .rules = "PRIZE_SCAM",
    .color = "#e8590c",
  },
  {
    REASON (SPAM), JA, PLAIN,
    .from_name = "副業サポート事務局",
    .from_address = "support@fukugyo-{r}.example",
    .subjects = { "スマホだけで月収50万円！簡単副業のご案内",
                  "【限定{n}名】1日10分の作業で安定収入" },
    .body = "突然のご連絡失礼いたします。\n\n"
            "スマホひとつで、1日たった10分の作業で月収50万円を目指せる副業をご紹介しています。\n"
            "特別なスキルは一切不要です。\n\n"
            "今なら先着{n}名様限定で、初期費用0円でスタートできます。",
    .action = "詳しくはこちら",
    .link = "http://fukugyo-{r}.example/lp/{tok}",
    .rules = "WORK_FROM_HOME MONEY_PROMISE",
  },
  {
    REASON (SPAM), JA, HTML,
    .from_name = "即日融資センター",
    .from_address = "info@yushi-{r}.example",
    .subjects = { "即日融資・審査なし！最大500万円まで",
                  "他社で断られた方もご相談ください 今日中にお振込み" },
    .body = "{name} 様\n\n"
            "審査なし、最短30分で最大500万円までご融資いたします。\n"
            "他社でお断りされた方も、まずはお気軽にご相談ください。\n\n"
            "お申し込みは24時間受付中です。",
    .action = "今すぐ申し込む",
    .link = "http://yushi-{r}.example/apply",
    .rules = "LOAN_OFFER",
    .color = "#f03e3e",
  },
  {
    REASON (SPAM), JA, PLAIN,
    .from_name = "料金回収センター",
    .from_address = "info@ryokin-{r}.example",
    .subjects = { "【未払い】ご利用料金のお支払いについて（最終通知）",
                  "【重要】未納料金のお知らせ" },
    .body = "{name} 様\n\n"
            "ご利用料金{amount}のお支払いが確認できておりません。\n"
            "本日中にお支払いいただけない場合、法的手続きに移行いたします。\n\n"
            "お問い合わせ番号：{id}",
    .action = "お支払い手続きはこちら",
    .link = "http://ryokin-{r}.example/pay/{id}",
    .rules = "FAKE_INVOICE",
  },
  {
    REASON (SPAM), JA, ALTERNATIVE,
    .from_name = "資産運用アカデミー",
    .from_address = "info@{r}-asset.example",
    .subjects = { "仮想通貨で資産を10倍に増やす方法",
                  "【無料公開】AI自動売買で月利30%の実績" },
    .body = "{name} 様\n\n"
            "AI自動売買ツールを使って、わずか3か月で資産を10倍にした方法を無料で公開しています。\n"
            "投資経験は一切不要です。\n\n"
            "公開は{date}までの期間限定となります。",
    .action = "無料で動画を見る",
    .link = "http://{r}-asset.example/movie/{tok}",
    .rules = "CRYPTO_SCAM MONEY_PROMISE",
    .color = "#fab005",
  },
  {
    REASON (SPAM), JA, HTML,
    .from_name = "海外医薬品ショップ",
    .from_address = "shop@kusuri-{r}.example",
    .subjects = { "処方箋不要！人気の医薬品が最大80%OFF",
                  "【期間限定】医薬品まとめ買いでさらに割引" },
    .body = "処方箋なしで、人気の医薬品をお手頃価格でお届けします。\n\n"
            "中身がわからない梱包で発送いたします。\n"
            "今なら全品最大80%OFFです。",
    .action = "商品一覧を見る",
    .link = "http://kusuri-{r}.example/",
    .rules = "PHARMA_KEYWORDS URIBL_BLACK",
    .color = "#e03131",
  },

  /* Phishing */
  {
    REASON (PHISHING), EN, HTML,
    .from_name = "{domain} Mail Administrator",
    .from_address = "postmaster@{domain}.mailbox-quota.example",
    .subjects = { "Your mailbox is full: action required",
                  "Mailbox storage 99% full: incoming messages on hold",
                  "Warning: {n} messages could not be delivered" },
    .body = "Dear {email},\n\n"
            "Your mailbox has exceeded its storage limit (99% of 2 GB). {n} incoming messages "
            "are on hold and will be deleted in 24 hours.\n\n"
            "To increase your quota and release your messages, verify your account now.\n\n"
            "{domain} IT Support",
    .action = "Verify account",
    .link = "https://{domain}.mailbox-quota.example/upgrade?session={tok}",
    .rules = "LOOKALIKE_DOMAIN MAILBOX_QUOTA_LURE",
    .color = "#1971c2",
  },
  {
    REASON (PHISHING), EN, ALTERNATIVE,
    .from_name = "IT Service Desk",
    .from_address = "it-servicedesk@passwd-reset-{r}.example",
    .subjects = { "Your password expires today",
                  "Password expiry notice for {email}" },
    .body = "Hello {first},\n\n"
            "The password for {email} expires today. To keep using your email and files "
            "without interruption, keep your current password using the link below.\n\n"
            "If you do not act within 12 hours, your account will be locked.\n\n"
            "IT Service Desk",
    .action = "Keep current password",
    .link = "https://passwd-reset-{r}.example/{domain}/keep?token={tok}",
    .rules = "PASSWORD_EXPIRY_LURE",
    .color = "#495057",
  },
  {
    REASON (PHISHING), EN, HTML,
    .from_name = "Northwind Bank",
    .from_address = "security@northwlnd-bank.example",
    .subjects = { "Unusual sign-in activity on your account",
                  "Your online banking access has been limited" },
    .body = "Dear customer,\n\n"
            "We detected a sign-in to your online banking from a new device. For your "
            "protection we have temporarily limited your access.\n\n"
            "Please confirm your identity within 24 hours to restore full access.\n\n"
            "Northwind Bank Security Team",
    .action = "Confirm identity",
    .link = "https://northwind-bank.example.secure-verify.test/login?ref={tok}",
    .rules = "LOOKALIKE_DOMAIN BRAND_IMPERSONATION",
    .color = "#0b7285",
  },
  {
    REASON (PHISHING), EN, ALTERNATIVE,
    .from_name = "Parcelwise Delivery",
    .from_address = "noreply@parce1wise-delivery.example",
    .subjects = { "We couldn’t deliver your parcel",
                  "Delivery attempt failed: reschedule now" },
    .body = "Hello,\n\n"
            "We tried to deliver your parcel (tracking number PW{id}) today, but nobody was "
            "home.\n\n"
            "A redelivery fee of $1.99 is due. Please reschedule your delivery and pay the "
            "fee within 48 hours, otherwise the parcel will be returned to the sender.",
    .action = "Reschedule delivery",
    .link = "https://parce1wise-delivery.example/redeliver?pw={id}",
    .rules = "LOOKALIKE_DOMAIN DELIVERY_LURE",
    .color = "#f08c00",
  },
  {
    REASON (PHISHING), EN, HTML,
    .from_name = "PayVault",
    .from_address = "service@payvau1t.example",
    .subjects = { "Your account has been suspended",
                  "Action required: confirm your PayVault details" },
    .body = "Dear customer,\n\n"
            "We were unable to verify recent activity on your PayVault account, so we have "
            "suspended sending and withdrawing money.\n\n"
            "Confirm your details within 48 hours to restore your account. If you do not, "
            "your account will be closed.",
    .action = "Confirm details",
    .link = "https://payvau1t.example/account/restore?id={tok}",
    .rules = "LOOKALIKE_DOMAIN BRAND_IMPERSONATION",
    .color = "#1864ab",
  },
  {
    REASON (PHISHING), EN, ALTERNATIVE,
    .from_name = "{person} (via DocShare)",
    .from_address = "shares-noreply@docshare-files.example",
    .subjects = { "{person} shared “Q3 salary review.xlsx” with you",
                  "Document shared with you: Q3 salary review.xlsx" },
    .body = "{person} has shared a document with you:\n\n"
            "Q3 salary review.xlsx\n\n"
            "Sign in with your work account to open it.",
    .action = "Open",
    .link = "https://docshare-files.example/d/{tok}/signin?login_hint={email}",
    .rules = "CREDENTIAL_HARVEST",
    .color = "#1c7ed6",
  },
  {
    REASON (PHISHING), JA, HTML,
    .from_name = "きらぼしマーケット",
    .from_address = "account@kiraboshi-market-jp.example",
    .subjects = { "【重要】アカウントの確認のお願い",
                  "【きらぼしマーケット】アカウントを一時的に制限しました" },
    .body = "{name} 様\n\n"
            "いつもきらぼしマーケットをご利用いただきありがとうございます。\n\n"
            "お客様のアカウントに第三者による不正なログインの可能性が検出されたため、"
            "アカウントを一時的に制限しております。\n\n"
            "24時間以内に以下のリンクからご本人確認を完了してください。"
            "確認が取れない場合、アカウントは削除されます。",
    .action = "アカウントを確認する",
    .link = "https://kiraboshi-market-jp.example/signin?session={tok}",
    .rules = "LOOKALIKE_DOMAIN BRAND_IMPERSONATION",
    .color = "#d6336c",
  },
  {
    REASON (PHISHING), JA, ALTERNATIVE,
    .from_name = "ミライカード",
    .from_address = "info@miraicard-secure.example",
    .subjects = { "【カード利用停止のお知らせ】ご本人確認のお願い",
                  "【ミライカード】ご利用確認のお願い" },
    .body = "{name} 様\n\n"
            "いつもミライカードをご利用いただき、誠にありがとうございます。\n\n"
            "お客様のカードにおいて、第三者による不正利用の可能性がある取引を検知いたしました。\n"
            "そのため、現在カードのご利用を一時停止しております。\n\n"
            "お手数ですが、下記URLよりご本人確認をお願いいたします。",
    .action = "ご本人確認はこちら",
    .link = "https://miraicard-secure.example/verify?no={id}",
    .rules = "BRAND_IMPERSONATION",
    .color = "#5f3dc4",
  },
  {
    REASON (PHISHING), JA, PLAIN,
    .from_name = "ハヤブサ運輸",
    .from_address = "info@hayabusa-unyu-jp.example",
    .subjects = { "お荷物のお届けにあがりましたが不在のため持ち帰りました",
                  "【ハヤブサ運輸】配達日時のご確認をお願いします" },
    .body = "お荷物のお届けにあがりましたが、ご不在のため持ち帰りました。\n\n"
            "伝票番号：{id}\n\n"
            "再配達のご依頼は、下記より受け付けております。\n"
            "保管期限を過ぎますと、差出人へ返送されます。",
    .action = "再配達を依頼する",
    .link = "https://hayabusa-unyu-jp.example/redeliver?no={id}",
    .rules = "LOOKALIKE_DOMAIN DELIVERY_LURE",
  },
  {
    REASON (PHISHING), JA, HTML,
    .from_name = "つばめ銀行",
    .from_address = "info@tsubame-bank.co.jp.account-verify.example",
    .subjects = { "【つばめ銀行】お取引を一時制限しております",
                  "【重要】お客様情報の確認のお願い" },
    .body = "{name} 様\n\n"
            "平素よりつばめ銀行をご利用いただき、誠にありがとうございます。\n\n"
            "お客様の口座において、不審なお取引が確認されたため、お取引を一時制限しております。\n"
            "下記よりお客様情報をご確認いただきますと、制限を解除いたします。",
    .action = "お客様情報を確認する",
    .link = "https://tsubame-bank.co.jp.account-verify.example/login",
    .rules = "LOOKALIKE_DOMAIN BRAND_IMPERSONATION",
    .color = "#2b8a3e",
  },
  {
    REASON (PHISHING), JA, ALTERNATIVE,
    .from_name = "{domain} メール管理者",
    .from_address = "admin@{domain}.mail-storage.example",
    .subjects = { "【警告】メールボックスの容量が上限に達しました",
                  "メールボックス容量超過のお知らせ" },
    .body = "{email} 様\n\n"
            "お使いのメールボックスの容量が上限に達しました。\n"
            "現在、{n}通の受信メールが保留されています。\n\n"
            "24時間以内に下記よりアカウントを更新しない場合、保留中のメールは削除されます。",
    .action = "アカウントを更新する",
    .link = "https://{domain}.mail-storage.example/update?u={tok}",
    .rules = "LOOKALIKE_DOMAIN MAILBOX_QUOTA_LURE",
    .color = "#1971c2",
  },
  {
    REASON (PHISHING), JA, ALTERNATIVE,
    .from_name = "情報システム部",
    .from_address = "helpdesk@{domain}.passwd-portal.example",
    .subjects = { "【重要】パスワードの有効期限が近づいています",
                  "パスワード有効期限のお知らせ（{email}）" },
    .body = "{name} 様\n\n"
            "お使いのアカウント（{email}）のパスワードは本日で有効期限が切れます。\n"
            "引き続きメールをご利用いただくために、下記より現在のパスワードを維持する手続きを行ってください。\n\n"
            "情報システム部 ヘルプデスク",
    .action = "パスワードを維持する",
    .link = "https://{domain}.passwd-portal.example/keep?t={tok}",
    .rules = "PASSWORD_EXPIRY_LURE",
    .color = "#495057",
  },

  /* Malware: the attachments are harmless placeholders, named like the real thing */
  {
    REASON (MALWARE), EN, PLAIN,
    ATTACH (EXE, "invoice_{id}.pdf.exe"),
    .from_name = "{person}",
    .from_address = "accounts@{r}-logistics.example",
    .subjects = { "Invoice {id} attached",
                  "Re: outstanding invoice {id}",
                  "Payment request: invoice {id}" },
    .body = "Hello,\n\n"
            "Please find attached invoice {id} for the goods delivered last week. Kindly "
            "arrange payment by {date}.\n\n"
            "Best regards,\n{person}\nAccounts Payable",
    .rules = "EXE_DOUBLE_EXTENSION",
  },
  {
    REASON (MALWARE), EN, PLAIN,
    ATTACH (ZIP, "Scan_{id}.zip"),
    .from_name = "Office Scanner",
    .from_address = "scanner@{domain}",
    .envelope = "scanner@{r}.example",
    .subjects = { "Scanned document from MFP-{n}03",
                  "Message from MFP-{n}03: Scan_{id}" },
    .body = "Please open the attached document.\n\n"
            "Device name: MFP-{n}03\n"
            "Number of pages: 3\n"
            "File format: ZIP",
    .rules = "ARCHIVE_WITH_EXECUTABLE SPOOFED_INTERNAL_SENDER",
  },
  {
    REASON (MALWARE), EN, ALTERNATIVE,
    ATTACH (ZIP, "BL_{id}.zip"),
    .from_name = "Shipping Documents",
    .from_address = "docs@{r}-freight.example",
    .subjects = { "Shipping documents for your order {id}",
                  "Bill of lading: order {id}" },
    .body = "Dear customer,\n\n"
            "Your shipment has been dispatched. The bill of lading and the commercial invoice "
            "are attached. Please check them and confirm the delivery address.\n\n"
            "Customer Service",
    .rules = "ARCHIVE_WITH_EXECUTABLE",
    .color = "#1864ab",
  },
  {
    REASON (MALWARE), JA, PLAIN,
    ATTACH (ZIP, "請求書_{id}.zip"),
    .from_name = "経理部 {person}",
    .from_address = "keiri@{r}-shoji.example",
    .subjects = { "請求書送付のご案内",
                  "【請求書】{month}分のご請求について" },
    .body = "{name} 様\n\n"
            "いつも大変お世話になっております。\n"
            "{month}分の請求書を添付にてお送りいたします。\n"
            "ご確認のほど、よろしくお願いいたします。\n\n"
            "経理部 {person}",
    .rules = "ARCHIVE_WITH_EXECUTABLE",
  },
  {
    REASON (MALWARE), JA, PLAIN,
    ATTACH (EXE, "見積書_{id}.pdf.exe"),
    .from_name = "営業部 {person}",
    .from_address = "sales@{r}-trading.example",
    .subjects = { "【至急】見積書の件",
                  "Re: お見積りのご依頼について" },
    .body = "お世話になっております。\n\n"
            "ご依頼いただいておりました見積書を添付いたします。\n"
            "お手数ですが、ご確認をお願いいたします。\n\n"
            "営業部 {person}",
    .rules = "EXE_DOUBLE_EXTENSION",
  },

  /* Policy: ordinary business mail the organisation's rules hold back */
  {
    REASON (POLICY), JA, PLAIN,
    ATTACH (ENCRYPTED_ZIP, "見積書_{id}.zip"),
    .from_name = "{person}",
    .from_address = "sales@aoba-kikaku.example.jp",
    .subjects = { "【送付】お見積書の件",
                  "資料送付のご連絡" },
    .body = "{name} 様\n\n"
            "いつもお世話になっております。株式会社あおば企画の{person}です。\n\n"
            "ご依頼いただいておりましたお見積書を、パスワード付きZIPファイルにてお送りいたします。\n"
            "パスワードは別途メールにてお知らせいたします。\n\n"
            "何卒よろしくお願いいたします。",
    .rules = "ENCRYPTED_ARCHIVE",
    .policy_rule = "Policy: password-protected archives",
  },
  {
    REASON (POLICY), EN, PLAIN,
    ATTACH (ENCRYPTED_ZIP, "contract_{id}.zip"),
    .from_name = "{person}",
    .from_address = "contracts@harborline-legal.example",
    .subjects = { "Contract documents (password to follow)",
                  "Signed agreement: encrypted copy" },
    .body = "Dear {first},\n\n"
            "Please find the contract documents attached as an encrypted archive. I will send "
            "the password in a separate email.\n\n"
            "Kind regards,\n{person}\nHarborline Legal",
    .rules = "ENCRYPTED_ARCHIVE",
    .policy_rule = "Policy: password-protected archives",
  },
  {
    REASON (POLICY), EN, PLAIN,
    ATTACH (MACRO_DOC, "price_list_{year}.xlsm"),
    .from_name = "{person}",
    .from_address = "sales@brightwave-supply.example",
    .subjects = { "Updated price list for Q3",
                  "Price list and order form" },
    .body = "Hi {first},\n\n"
            "Attached is our updated price list with the order form. The totals are "
            "calculated automatically once editing is enabled.\n\n"
            "Kind regards,\n{person}\nBrightwave Supply",
    .rules = "OFFICE_MACRO",
    .policy_rule = "Policy: macro-enabled Office documents",
  },
  {
    REASON (POLICY), JA, PLAIN,
    ATTACH (MACRO_DOC, "発注書_{year}.xlsm"),
    .from_name = "{person}",
    .from_address = "order@hinode-seiki.example.jp",
    .subjects = { "発注書フォーマット送付の件",
                  "【ご確認】新しい発注書フォーマットについて" },
    .body = "{name} 様\n\n"
            "いつもお世話になっております。日の出精機の{person}です。\n\n"
            "来月より新しい発注書フォーマットをご利用いただきたく、添付にてお送りいたします。\n"
            "金額は自動で計算されます。\n\n"
            "よろしくお願いいたします。",
    .rules = "OFFICE_MACRO",
    .policy_rule = "Policy: macro-enabled Office documents",
  },
  {
    REASON (POLICY), EN, ALTERNATIVE,
    .from_name = "{person}",
    .from_address = "office.{r}@quickmail-{r}.example",
    .subjects = { "Urgent request",
                  "Are you available?" },
    .body = "Hi {first},\n\n"
            "Are you at your desk? I need you to handle a payment for me today. I am in "
            "meetings all afternoon, so reply by email.\n\n"
            "Thanks",
    .rules = "NEW_SENDER_DOMAIN DISPLAY_NAME_MISMATCH",
    .policy_rule = "Policy: first contact from a newly registered domain",
    .color = "#495057",
  },
};

const guint qd_gw_demo_n_templates = G_N_ELEMENTS (qd_gw_demo_templates);

const char * const qd_gw_demo_people_en[] = {
  "Maya Lindqvist", "Tomás Rivera", "Priya Natarajan", "Jonas Becker",
  "Chloé Martin", "Samuel Okafor", "Hannah Kowalski", "Diego Fernández",
  "Amelia Hart", "Noah Bergström", "Leila Haddad", "Oliver Quinn",
};
const guint qd_gw_demo_n_people_en = G_N_ELEMENTS (qd_gw_demo_people_en);

const char * const qd_gw_demo_people_ja[] = {
  "佐藤 美咲", "高橋 健太", "田中 陽子", "伊藤 大輔", "山本 さくら", "中村 翔",
  "小林 由美", "加藤 拓也", "吉田 遥", "渡辺 浩二", "松本 彩", "井上 航",
};
const guint qd_gw_demo_n_people_ja = G_N_ELEMENTS (qd_gw_demo_people_ja);

/* The list footer of graymail, by category. */
const QdGwDemoFooter qd_gw_demo_footers[QD_CATEGORY_BULK + 1] = {
  [QD_CATEGORY_MARKETING] = {
    "You are receiving this email because you subscribed to news from {brand} with {email}.",
    "本メールは、{brand}のメールマガジンにご登録いただいた方にお送りしています。" },
  [QD_CATEGORY_SOCIAL] = {
    "This message was sent to {email}. To stop these emails, change your notification "
    "settings or unsubscribe.",
    "このメールは{email}宛に送信されました。通知メールの設定は、アカウント設定から変更できます。" },
  [QD_CATEGORY_FORUM] = {
    "You are receiving this because you are watching this topic or subscribed to the digest.",
    "このメールは、ウォッチ中のスレッドやダイジェストの配信設定に基づいて送信されています。" },
  [QD_CATEGORY_BULK] = {
    "You received this message because {email} is on our mailing list.",
    "本メールは、配信リストにご登録いただいている方にお送りしています。" },
};

/* Missed spam: no bulk headers, no links to bad hosts, plain text. What a
 * classifier lets through and a person still calls spam. */
const QdGwDemoSample qd_gw_demo_samples[] = {
  {
    "seo-offer.eml", 27, FALSE, "us-ascii",
    "Daniel Reyes", "daniel.reyes@rankwise-consulting.example",
    "Quick question about {domain}",
    "Hi,\n\n"
    "I came across {domain} while researching companies in your industry. You have a "
    "good site, but it does not appear on the first page for several search terms your "
    "customers use.\n\n"
    "We help businesses like yours improve their search rankings with on-page fixes and "
    "content. Would you be open to a 15-minute call next week? I can send you a free "
    "report first.\n\n"
    "Best regards,\nDaniel Reyes\nRankwise Consulting",
  },
  {
    "invoice-without-attachment.eml", 40, FALSE, "us-ascii",
    "Brightline Office Supplies", "billing@brightline-office.example",
    "Invoice 20931 from Brightline Office Supplies",
    "Hello,\n\n"
    "Please see the details of invoice 20931 below.\n\n"
    "Amount due: $1,480.00\n"
    "Due date: within 7 days\n"
    "Description: office furniture, delivery and installation\n\n"
    "Payment can be made by bank transfer to the account on file. Please reply with your "
    "remittance advice once paid.\n\n"
    "Thank you for your business.\nBrightline Office Supplies",
  },
  {
    "web-design-offer-ja.eml", 50, TRUE, "ISO-2022-JP",
    "株式会社ウェブクラフト 山田", "yamada@webcraft-design.example.jp",
    "ホームページリニューアルのご提案",
    "ご担当者様\n\n"
    "突然のご連絡失礼いたします。\n"
    "株式会社ウェブクラフトの山田と申します。\n\n"
    "貴社ホームページを拝見し、スマートフォン表示の改善やお問い合わせ数の向上について、"
    "ご提案できることがあると考えご連絡いたしました。\n\n"
    "弊社では、初期費用0円・月額9,800円からのホームページ制作プランをご用意しております。\n"
    "ご興味がございましたら、本メールにご返信いただけますと幸いです。\n\n"
    "何卒よろしくお願いいたします。\n\n"
    "株式会社ウェブクラフト\n山田 一郎",
  },
  {
    "attendee-list-offer.eml", 63, FALSE, "us-ascii",
    "Megan Cole", "megan@eventdata-leads.example",
    "Attendee list: Regional Logistics Expo",
    "Hi,\n\n"
    "Would you be interested in the attendee list of the Regional Logistics Expo? It "
    "contains 4,850 contacts with name, job title, company, phone number and email "
    "address.\n\n"
    "Let me know and I will send you the pricing and a sample.\n\n"
    "Regards,\nMegan Cole\nData Specialist",
  },
  {
    "expense-tool-offer-ja.eml", 78, TRUE, "UTF-8",
    "クラウド経費ナビ 営業部", "info@keihi-navi.example.jp",
    "経費精算の手間を減らしませんか（無料トライアルのご案内）",
    "ご担当者様\n\n"
    "突然のご連絡失礼いたします。クラウド経費ナビ 営業部でございます。\n\n"
    "領収書をスマートフォンで撮影するだけで、経費精算が完了するクラウドサービスを"
    "ご提供しております。\n"
    "現在、30日間の無料トライアルを実施中です。\n\n"
    "オンラインでのご説明も承っておりますので、ご興味がございましたらご返信ください。\n\n"
    "クラウド経費ナビ 営業部",
  },
  {
    "guest-post-request.eml", 90, FALSE, "us-ascii",
    "Sofia Marin", "sofia.marin@contentreach.example",
    "Guest post for {domain}",
    "Hello,\n\n"
    "I am a freelance writer and would love to contribute an article to your blog. I can "
    "write about productivity, remote work or small business finance, whichever suits "
    "your readers best.\n\n"
    "In return I would only ask for one link to a client's website in the author bio.\n\n"
    "Looking forward to hearing from you,\nSofia",
  },
  {
    "old-sample-6-days.eml", 6 * 24 + 3, FALSE, "us-ascii",
    "Victor Lang", "victor@globaltrade-partners.example",
    "Partnership proposal for {domain}",
    "Dear Sir or Madam,\n\n"
    "We are a trading company looking for partners in your region. We would like to "
    "discuss a distribution agreement for our products.\n\n"
    "Please let me know a convenient time for a short call.\n\n"
    "Yours faithfully,\nVictor Lang\nGlobal Trade Partners",
  },
};
const guint qd_gw_demo_n_samples = G_N_ELEMENTS (qd_gw_demo_samples);

/* Attachments: small but well-formed files, so a parser or a classifier
 * looking inside finds what it expects. Nothing in them runs. */

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         length)
{
  static guint32 table[256];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint32 i = 0; i < 256; i++)
        {
          guint32 c = i;

          for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
          table[i] = c;
        }
      g_once_init_leave (&initialized, 1);
    }
  crc ^= 0xffffffffu;
  for (gsize i = 0; i < length; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

static void
put_le (GByteArray *out,
        guint32     value,
        guint       size)
{
  for (guint i = 0; i < size; i++)
    {
      guint8 b = (value >> (8 * i)) & 0xff;

      g_byte_array_append (out, &b, 1);
    }
}

static void
put_be32 (GByteArray *out,
          guint32     value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, b, 4);
}

/* Stored (uncompressed) entries; "encrypted" ones carry random bytes
 * where the ciphertext would be, which is all a scanner can see anyway. */
GBytes *
qd_gw_demo_zip_new (const QdGwDemoZipEntry *entries,
                    guint                   n_entries,
                    gboolean                encrypted,
                    GDateTime              *when,
                    GRand                  *rng)
{
  GByteArray *out = g_byte_array_new ();
  g_autoptr(GByteArray) directory = g_byte_array_new ();
  guint16 dos_time = g_date_time_get_hour (when) << 11 | g_date_time_get_minute (when) << 5
                     | g_date_time_get_second (when) / 2;
  guint16 dos_date = (g_date_time_get_year (when) - 1980) << 9
                     | g_date_time_get_month (when) << 5 | g_date_time_get_day_of_month (when);

  for (guint i = 0; i < n_entries; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (entries[i].data, &length);
      guint32 crc = crc32_update (0, data, length);
      guint16 flags = (encrypted ? 0x0001 : 0) | (g_str_is_ascii (entries[i].name) ? 0 : 0x0800);
      guint32 stored = length + (encrypted ? 12 : 0);
      guint32 offset = out->len;
      guint16 name_length = strlen (entries[i].name);

      put_le (out, 0x04034b50, 4);
      put_le (out, 20, 2);
      put_le (out, flags, 2);
      put_le (out, 0, 2);
      put_le (out, dos_time, 2);
      put_le (out, dos_date, 2);
      put_le (out, crc, 4);
      put_le (out, stored, 4);
      put_le (out, length, 4);
      put_le (out, name_length, 2);
      put_le (out, 0, 2);
      g_byte_array_append (out, (const guint8 *) entries[i].name, name_length);
      if (encrypted)
        for (guint32 k = 0; k < stored; k++)
          put_le (out, g_rand_int (rng), 1);
      else
        g_byte_array_append (out, data, length);

      put_le (directory, 0x02014b50, 4);
      put_le (directory, 20, 2);
      put_le (directory, 20, 2);
      put_le (directory, flags, 2);
      put_le (directory, 0, 2);
      put_le (directory, dos_time, 2);
      put_le (directory, dos_date, 2);
      put_le (directory, crc, 4);
      put_le (directory, stored, 4);
      put_le (directory, length, 4);
      put_le (directory, name_length, 2);
      put_le (directory, 0, 4);   /* extra and comment lengths */
      put_le (directory, 0, 4);   /* disk, internal attributes */
      put_le (directory, 0, 4);   /* external attributes */
      put_le (directory, offset, 4);
      g_byte_array_append (directory, (const guint8 *) entries[i].name, name_length);
    }

  {
    guint32 directory_offset = out->len;

    g_byte_array_append (out, directory->data, directory->len);
    put_le (out, 0x06054b50, 4);
    put_le (out, 0, 4);
    put_le (out, n_entries, 2);
    put_le (out, n_entries, 2);
    put_le (out, directory->len, 4);
    put_le (out, directory_offset, 4);
    put_le (out, 0, 2);
  }
  return g_byte_array_free_to_bytes (out);
}

GBytes *
qd_gw_demo_program_new (void)
{
  GString *out = g_string_new_len ("MZ\x90\0\x03\0\0\0", 8);

  while (out->len < 1536)
    g_string_append (out, "This file is a harmless placeholder written by qd-gateway seed-demo. "
                          "It is not a program and contains no code.\r\n");
  return g_string_free_to_bytes (out);
}

static char *
pdf_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '(' || *p == ')' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, (guchar) *p < 0x80 ? *p : '?');
    }
  return g_string_free (out, FALSE);
}

/* A one-page PDF with a title line, with a correct cross-reference table. */
GBytes *
qd_gw_demo_pdf_new (const char *title)
{
  g_autofree char *escaped = pdf_escape (title);
  g_autofree char *content = g_strdup_printf (
      "BT /F1 22 Tf 72 760 Td (%s) Tj ET\n"
      "BT /F1 11 Tf 72 730 Td (Demo document written by qd-gateway seed-demo.) Tj ET\n",
      escaped);
  g_autofree char *stream = g_strdup_printf ("<< /Length %zu >>\nstream\n%sendstream",
                                             strlen (content), content);
  const char *objects[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
    "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    stream,
  };
  GString *pdf = g_string_new ("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  gsize offsets[G_N_ELEMENTS (objects)];
  gsize xref;

  for (guint i = 0; i < G_N_ELEMENTS (objects); i++)
    {
      offsets[i] = pdf->len;
      g_string_append_printf (pdf, "%u 0 obj\n%s\nendobj\n", i + 1, objects[i]);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %zu\n0000000000 65535 f \n", G_N_ELEMENTS (objects) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (objects); i++)
    g_string_append_printf (pdf, "%010zu 00000 n \n", offsets[i]);
  g_string_append_printf (pdf, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                          G_N_ELEMENTS (objects) + 1, xref);
  return g_string_free_to_bytes (pdf);
}

static void
png_chunk (GByteArray   *out,
           const char   *type,
           const guint8 *data,
           gsize         length)
{
  guint32 crc = crc32_update (0, (const guint8 *) type, 4);

  crc = crc32_update (crc, data, length);
  put_be32 (out, length);
  g_byte_array_append (out, (const guint8 *) type, 4);
  g_byte_array_append (out, data, length);
  put_be32 (out, crc);
}

/* A coupon: the brand colour with a white, dashed-edged panel. Stored
 * deflate blocks keep the encoder to a few lines. */
GBytes *
qd_gw_demo_png_new (const char *color)
{
  const guint width = 120, height = 60;
  guint rgb = 0x495057;
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  g_autoptr(GByteArray) zlib = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();
  guint8 header[13] = { 0 };
  guint32 a = 1, b = 0;

  if (color != NULL && color[0] == '#')
    rgb = g_ascii_strtoull (color + 1, NULL, 16);

  for (guint y = 0; y < height; y++)
    {
      put_le (raw, 0, 1);
      for (guint x = 0; x < width; x++)
        {
          gboolean panel = x >= 8 && x < width - 8 && y >= 8 && y < height - 8;
          gboolean edge = panel && (x == 8 || x == width - 9 || y == 8 || y == height - 9);
          guint pixel = panel && !(edge && (x + y) / 3 % 2 == 0) ? 0xffffff : rgb;
          guint8 px[3] = { pixel >> 16, pixel >> 8, pixel };

          g_byte_array_append (raw, px, 3);
        }
    }

  put_le (zlib, 0x0178, 2);
  for (guint pos = 0; pos < raw->len; pos += 65535)
    {
      guint16 n = MIN (raw->len - pos, 65535);

      put_le (zlib, pos + n >= raw->len ? 1 : 0, 1);
      put_le (zlib, n, 2);
      put_le (zlib, (guint16) ~n, 2);
      g_byte_array_append (zlib, raw->data + pos, n);
    }
  for (guint i = 0; i < raw->len; i++)
    {
      a = (a + raw->data[i]) % 65521;
      b = (b + a) % 65521;
    }
  put_be32 (zlib, b << 16 | a);

  g_byte_array_append (out, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  header[2] = width >> 8; header[3] = width & 0xff;
  header[6] = height >> 8; header[7] = height & 0xff;
  header[8] = 8;          /* bit depth */
  header[9] = 2;          /* RGB */
  png_chunk (out, "IHDR", header, sizeof header);
  png_chunk (out, "IDAT", zlib->data, zlib->len);
  png_chunk (out, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (out);
}
