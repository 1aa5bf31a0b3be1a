"""PDF building blocks shared by every PDF the product makes: the embedded
Japanese typeface with its fallback (:mod:`infra.pdf.typeface`) and the
PDF/A-2b archive parts (:mod:`infra.pdf.archival`). Fonts, their licence and
the sRGB colour profile are in ``assets/`` (see ``assets/README.md``)."""
