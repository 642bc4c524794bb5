from django.db import migrations

# INEGI clave, name, abbreviation of the 32 entidades federativas.
STATES = [
    ("01", "Aguascalientes", "AGS"), ("02", "Baja California", "BC"), ("03", "Baja California Sur", "BCS"),
    ("04", "Campeche", "CAMP"), ("05", "Coahuila de Zaragoza", "COAH"), ("06", "Colima", "COL"),
    ("07", "Chiapas", "CHIS"), ("08", "Chihuahua", "CHIH"), ("09", "Ciudad de México", "CDMX"),
    ("10", "Durango", "DGO"), ("11", "Guanajuato", "GTO"), ("12", "Guerrero", "GRO"),
    ("13", "Hidalgo", "HGO"), ("14", "Jalisco", "JAL"), ("15", "México", "MEX"),
    ("16", "Michoacán de Ocampo", "MICH"), ("17", "Morelos", "MOR"), ("18", "Nayarit", "NAY"),
    ("19", "Nuevo León", "NL"), ("20", "Oaxaca", "OAX"), ("21", "Puebla", "PUE"),
    ("22", "Querétaro", "QRO"), ("23", "Quintana Roo", "QROO"), ("24", "San Luis Potosí", "SLP"),
    ("25", "Sinaloa", "SIN"), ("26", "Sonora", "SON"), ("27", "Tabasco", "TAB"),
    ("28", "Tamaulipas", "TAMPS"), ("29", "Tlaxcala", "TLAX"), ("30", "Veracruz de Ignacio de la Llave", "VER"),
    ("31", "Yucatán", "YUC"), ("32", "Zacatecas", "ZAC"),
]


def load_states(apps, schema_editor):
    State = apps.get_model("programs", "State")
    for clave, name, abbreviation in STATES:
        State.objects.update_or_create(clave=clave, defaults={"name": name, "abbreviation": abbreviation})


def unload_states(apps, schema_editor):
    apps.get_model("programs", "State").objects.filter(clave__in=[s[0] for s in STATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(load_states, unload_states)]
