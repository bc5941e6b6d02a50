"""Offline language detection on invented short and long samples."""

from __future__ import annotations

import pytest

from beyan.ingest.language import UNDETERMINED, detect_language

SAMPLES = {
    "tr": [
        "Bakan Selim Karadut, yeni bütçenin meclise sunulacağını söyledi.",
        "Kuzeyova Belediye Başkanı Nurhan Tepeli, dün düzenlenen basın toplantısında kentteki toplu taşıma ağının"
        " genişletileceğini açıkladı. Muhalefet ise projenin maliyetinin fazla olduğunu savundu.",
    ],
    "en": [
        "Minister Alda Fenwick said the budget would be tabled next week.",
        "Speaking in Marlowe Bay, governor Corin Hale said the new transport plan would be funded by grants and"
        " local bonds. Opposition leader Petra Vance called the plan unrealistic.",
    ],
    "de": [
        "Ministerin Jana Wellbrock sagte, der Haushalt werde nächste Woche vorgelegt.",
        "Auf einer Pressekonferenz in Lindenhafen kündigte die Landrätin Marta Kessling an, das Busnetz deutlich"
        " auszubauen. Die Opposition forderte eine unabhängige Prüfung der Kosten.",
    ],
    "ku": [
        "Wezîr Rojhat Berzan got ku budçe dê hefteya bê were pêşkêşkirin.",
        "Hevşaredara bajarê Kevirê Spî, Zelal Dêrşewî, ragihand ku dê tora veguhastina giştî ya bajêr were"
        " berfirehkirin. Endamên opozîsyonê diyar kirin ku lêçûna projeyê pir zêde ye.",
    ],
    "ar": [
        "قال الوزير سامر الحداد إن الميزانية ستقدم الأسبوع المقبل.",
        "أعلن محافظ مدينة وادي النخيل، كريم العطار، أن شبكة النقل العام ستتوسع قبل نهاية العام، ووصفت المعارضة الخطة"
        " بأنها غير واقعية.",
    ],
}


@pytest.mark.parametrize(("language", "text"), [(lang, text) for lang, texts in SAMPLES.items() for text in texts])
def test_short_and_long_samples_are_identified_with_confidence(language: str, text: str) -> None:
    detected = detect_language(text)
    assert detected.tag == language
    assert 0.5 <= detected.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "2024-11-05", "12 345 678", "OK"])
def test_text_without_enough_language_is_undetermined(text: str) -> None:
    detected = detect_language(text)
    assert detected.tag == UNDETERMINED
    assert detected.confidence < 0.5
