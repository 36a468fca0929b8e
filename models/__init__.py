"""gongkai.models"""
