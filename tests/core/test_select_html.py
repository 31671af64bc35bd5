"""Selects are written in Python (core.forms.Renderer): the same markup as Django's templates, escaped alike."""

from django import forms
from django.forms.renderers import DjangoTemplates
from hypothesis import given
from hypothesis import strategies as st

from pendamping.core.forms import Renderer

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Semua"), ("a", "<b>A & B</b>"), ("b", 'Desa "Tonjong"')], required=False)
    grouped = forms.ChoiceField(
        choices=[("", "Semua wilayah"), ("Kecamatan <X>", [("32.02.19", "semua"), ("32.02.19.2001", "Cipeuteuy")])],
        required=False,
    )
    several = forms.MultipleChoiceField(choices=[(1, "satu"), (2, "dua")], required=False)
    typed = forms.TypedChoiceField(choices=[(None, "–"), (3, "tiga")], coerce=int, required=False)


def both(form_class, data):
    django = form_class(data, renderer=DjangoTemplates())
    ours = form_class(data, renderer=Renderer())
    return [str(django[name]) for name in django.fields], [str(ours[name]) for name in ours.fields]


def test_the_markup_is_the_same_as_django_templates():
    for data in (None, {"plain": "a", "grouped": "32.02.19.2001", "several": ["1", "2"], "typed": "3"}):
        django, ours = both(Sample, data)
        assert ours == django


@given(value=TEXT, label=TEXT, group=TEXT, chosen=st.booleans())
def test_any_text_is_escaped_as_the_templates_escape_it(value, label, group, chosen):
    class Form(forms.Form):
        pick = forms.ChoiceField(choices=[(group or "g", [(value, label)]), ("x", label)], required=False)
        attrs = forms.ChoiceField(choices=[(value, label)], widget=forms.Select(attrs={"data-x": label}))

    django, ours = both(Form, {"pick": value if chosen else "x", "attrs": value})
    assert ours == django
