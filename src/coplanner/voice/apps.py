from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "coplanner.voice"
    label = "voice"
